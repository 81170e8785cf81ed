"""Bargaining: the agent is a buyer haggling with a seller over one item; reward = the buyer's surplus.

Private information: the buyer's value v (the most the item is worth to it) and the seller's cost c. The
seller lists the item above its cost and answers each offer by conceding toward its reservation price
c (1 + margin); a message it cannot use gets no concession, so an unusable message is a wasted turn, not a
way to wait for a lower price. A message is a price (``$120``, ``I offer 120``), ``accept`` (the seller's
current price), or ``no deal``. The reward on a deal at price p is v - p (negative when the buyer
overpays); no deal gives 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from actionspace.core.registry import ENVS
from actionspace.envs.language.base import LanguageGame, Move

ITEMS = ["a used road bike", "a leather sofa", "a film camera", "an oil painting", "a vintage guitar", "a desk lamp"]
PRICE = re.compile(r"\$?\s*(-?\d[\d,]*(?:\.\d+)?)")
ACCEPT = re.compile(r"\b(accept|deal|agreed|agree|sold)\b", re.IGNORECASE)
QUIT = re.compile(r"\b(no deal|walk away|quit|goodbye)\b", re.IGNORECASE)


@dataclass(kw_only=True)
class BargainingConfig:
    max_turns: int = 8
    """Buyer messages per game."""
    concession: float = 0.25
    """Fraction of the gap between list price and reservation price the seller gives up per offer."""
    margin: float = 0.05
    """The seller never goes below cost x (1 + margin)."""


def parse_price_message(text: str) -> Move:
    """Reads a bargaining message: quit, a price (offer or, with a deal word, acceptance at that price),
    or a bare acceptance."""
    if not text.strip():
        return Move("invalid", reason="the message is empty")
    if QUIT.search(text):
        return Move("quit")
    match = PRICE.search(text)
    accepting = bool(ACCEPT.search(text))
    if match:
        price = float(match.group(1).replace(",", ""))
        if price <= 0:
            return Move("invalid", reason=f"a price must be positive, got {match.group(1)}")
        return Move("accept" if accepting else "offer", price)
    if accepting:
        return Move("accept")
    return Move("invalid", reason="no price in the message: name one (like $120), say 'accept', or 'no deal'")


@ENVS.register("bargaining")
class BargainingGame(LanguageGame):
    agent_role = "Buyer"
    counterpart_role = "Seller"
    config_class = BargainingConfig
    item: str
    cost: float
    list_price: float
    value: float
    ask: float
    """The seller's standing price."""
    buyer_offer: float | None
    """The buyer's pending offer, if any."""

    def new_game(self) -> None:
        rng = self.np_random
        self.item = str(rng.choice(ITEMS))
        self.cost = float(rng.integers(50, 500))
        self.list_price = float(round(self.cost * rng.uniform(1.3, 1.7)))
        self.value = float(round(rng.uniform(self.cost * 1.1, self.list_price * 1.05)))
        self.ask, self.buyer_offer = self.list_price, None

    @property
    def reservation(self) -> float:
        return round(self.cost * (1 + self.config.margin))

    def instructions(self) -> str:
        return (
            f"You are the Buyer. The Seller is selling {self.item}. It is worth ${self.value:.0f} to you: "
            "a deal below that gains you the difference, above it you lose. Each message: name a price "
            "(e.g. 'I offer $120'), say 'accept' to take the Seller's last price, or 'no deal' to walk away."
        )

    def private_information(self) -> str:
        return f"Worth ${self.value:.0f} to me."

    def opening(self) -> str:
        return f"I'm selling {self.item}. The price is ${self.list_price:.0f}."

    def parse(self, text: str, speaker: str) -> Move:
        return parse_price_message(text)

    def apply(self, move: Move) -> tuple[bool, float]:
        if move.kind == "quit":
            return True, 0.0
        if move.kind == "accept" and move.value is None:
            return True, self.value - self.ask  # the seller's standing price
        self.buyer_offer = move.value  # an offer, or "deal at $p": the seller still has to agree
        return False, 0.0

    def scripted_reply(self) -> str:
        if self.buyer_offer is None:  # the buyer's message was unusable: nothing to answer, nothing conceded
            return f"My price is still ${self.ask:.0f}."
        gap = self.list_price - self.reservation
        next_ask = max(self.reservation, self.ask - self.config.concession * gap)
        if self.buyer_offer >= next_ask:
            return f"Deal at ${self.buyer_offer:.0f}."
        return f"I can do ${round(next_ask):.0f}."

    def counterpart_move(self, move: Move) -> tuple[bool, float]:
        if move.kind == "accept" and move.value is not None:
            return True, self.value - move.value
        if move.kind == "accept" and self.buyer_offer is not None:
            return True, self.value - self.buyer_offer
        if move.kind == "quit":
            return True, 0.0
        if move.kind == "offer":
            self.ask = move.value
        self.buyer_offer = None
        return False, 0.0

    def info(self) -> dict[str, Any]:
        return {"value": self.value, "cost": self.cost, "list_price": self.list_price}
