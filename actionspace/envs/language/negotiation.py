"""Negotiation (Deal or No Deal style): split a pool of books, hats and balls; reward = the agent's value.

Each side values the item types privately (non-negative integers; the whole pool is worth 10 to each). A
message proposes what its writer takes (``I take 2 books, 1 hat and 0 balls``; unnamed types count as 0),
accepts the other side's last proposal (``accept``), or ends without a deal (``no deal``, worth 0 to both).
The scripted counterpart accepts a proposal that leaves it at least its current threshold (8, then one less
per turn, never below 5) and otherwise proposes the most generous split that still meets it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from actionspace.core.registry import ENVS
from actionspace.envs.language.base import LanguageGame, Move

ITEM_TYPES = ("books", "hats", "balls")
SINGULAR = {"books": "book", "hats": "hat", "balls": "ball"}
COUNT = re.compile(r"(\d+|no|zero|one|two|three|four)\s+(book|hat|ball)s?\b", re.IGNORECASE)
WORDS = {"no": 0, "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4}
ACCEPT = re.compile(r"\b(accept|deal|agreed|agree)\b", re.IGNORECASE)
QUIT = re.compile(r"\b(no deal|walk away|quit)\b", re.IGNORECASE)
TOTAL_VALUE = 10


@dataclass(kw_only=True)
class NegotiationConfig:
    max_turns: int = 6
    """Agent messages per game."""


def describe_split(take: np.ndarray) -> str:
    parts = [f"{n} {SINGULAR[name] if n == 1 else name}" for n, name in zip(take, ITEM_TYPES, strict=True)]
    return f"{parts[0]}, {parts[1]} and {parts[2]}"


@ENVS.register("negotiation")
class NegotiationGame(LanguageGame):
    agent_role = "You"
    counterpart_role = "Partner"
    config_class = NegotiationConfig
    counts: np.ndarray
    agent_values: np.ndarray
    partner_values: np.ndarray
    agent_proposal: np.ndarray | None
    """What the agent proposes to take (standing until the partner answers)."""
    partner_proposal: np.ndarray | None
    """What the partner proposes to take."""

    def new_game(self) -> None:
        rng = self.np_random
        while True:  # some pools (3, 3, 3) cannot be worth exactly TOTAL_VALUE: draw again
            self.counts = rng.integers(1, [5, 4, 4])
            valuations = value_vectors(tuple(self.counts))
            if valuations:
                break
        self.agent_values = np.array(valuations[rng.integers(len(valuations))])
        self.partner_values = np.array(valuations[rng.integers(len(valuations))])
        self.agent_proposal = self.partner_proposal = None

    def instructions(self) -> str:
        pool = describe_split(self.counts)
        values = ", ".join(f"{name} {v} each" for name, v in zip(ITEM_TYPES, self.agent_values, strict=True))
        return (
            f"You and your Partner split {pool}. To you: {values} (the whole pool is worth {TOTAL_VALUE}); the "
            "Partner values them differently. Each message: say what you take ('I take 2 books, 1 hat and 0 "
            "balls'), 'accept' the Partner's last proposal, or 'no deal' (worth 0 to both)."
        )

    def private_information(self) -> str:
        values = ", ".join(f"{name} {v}" for name, v in zip(ITEM_TYPES, self.agent_values, strict=True))
        return f"Pool: {describe_split(self.counts)}. My values: {values}."

    def parse(self, text: str, speaker: str) -> Move:
        if not text.strip():
            return Move("invalid", reason="the message is empty")
        if QUIT.search(text):
            return Move("quit")
        found = COUNT.findall(text)
        if found:
            take = np.zeros(3, dtype=int)
            for amount, kind in found:
                take[ITEM_TYPES.index(kind.lower() + "s")] = int(WORDS.get(amount.lower(), amount))
            over = [
                f"{n} {name}"
                for n, name in zip(self.counts, ITEM_TYPES, strict=True)
                if take[ITEM_TYPES.index(name)] > n
            ]
            if over:
                return Move("invalid", reason=f"there are only {', '.join(over)}")
            return Move("propose", take)
        if ACCEPT.search(text):
            other = self.partner_proposal if speaker == self.agent_role else self.agent_proposal
            if other is None:
                return Move("invalid", reason="there is no proposal to accept yet; say what you take")
            return Move("accept")
        return Move("invalid", reason="no proposal in the message: say what you take, 'accept' or 'no deal'")

    def apply(self, move: Move) -> tuple[bool, float]:
        if move.kind == "quit":
            return True, 0.0
        if move.kind == "accept":
            assert self.partner_proposal is not None  # checked by parse
            return True, float(self.agent_values @ (self.counts - self.partner_proposal))
        self.agent_proposal = move.value
        return False, 0.0

    def threshold(self) -> int:
        return max(5, 8 - (self.turn - 1))

    def scripted_reply(self) -> str:
        if self.agent_proposal is not None:
            if self.partner_values @ (self.counts - self.agent_proposal) >= self.threshold():
                return "Deal, I accept."
        take = self.generous_split(self.threshold())
        return f"I take {describe_split(take)}; you get the rest."

    def generous_split(self, threshold: int) -> np.ndarray:
        """What the partner takes: meets ``threshold`` for itself while leaving the most items to the agent
        (ties: the higher value to itself); everything, if nothing smaller meets it."""
        best, best_key = self.counts.copy(), None
        for take in itertools.product(*(range(n + 1) for n in self.counts)):
            value = int(self.partner_values @ np.array(take))
            if value >= threshold:
                key = (-sum(take), value)
                if best_key is None or key > best_key:
                    best, best_key = np.array(take), key
        return best

    def counterpart_move(self, move: Move) -> tuple[bool, float]:
        if move.kind == "quit":
            return True, 0.0
        if move.kind == "accept" and self.agent_proposal is not None:
            return True, float(self.agent_values @ self.agent_proposal)
        if move.kind == "propose":
            self.partner_proposal = move.value
        self.agent_proposal = None  # a counter-proposal (or an unusable message) replaces the standing one
        return False, 0.0


@lru_cache(maxsize=64)
def value_vectors(counts: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Every non-negative integer valuation of the item types under which the pool is worth TOTAL_VALUE."""
    ranges = [range(TOTAL_VALUE // n + 1) for n in counts]
    return [v for v in itertools.product(*ranges) if sum(n * x for n, x in zip(counts, v, strict=True)) == TOTAL_VALUE]
