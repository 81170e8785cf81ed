"""Multi-turn language games: the agent writes free text, a counterpart answers, a reward comes at the end.

Every game is a gymnasium env whose action is the agent's raw text and whose observation carries the
rendered prompt, so any text policy can play it. The game parses the agent's text itself; text it cannot
use (an offer without a number, an empty question) is an *invalid move* with an in-game outcome: the
counterpart says what was wrong, the turn is spent, and ``info["invalid"]`` says why. It never raises.

The counterpart is scripted by default. `LLMCounterpart` lets any engine (HF, vLLM, an OpenAI-compatible
endpoint) play the other side instead, through the same rendering and parsing as the agent.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import takewhile
from typing import Any, Protocol

import gymnasium as gym

from actionspace.core.config import ConfigError


@dataclass
class Turn:
    speaker: str
    """Who spoke: a role name of the game ("Buyer", "Seller", ...)."""
    text: str


@dataclass
class Move:
    """The game's reading of one message."""

    kind: str
    """Game-specific: "offer", "accept", "quit", "question", ... or "invalid"."""
    value: Any = None
    """The move's content (a price, a split, a question)."""
    reason: str = ""
    """For an invalid move: what was wrong, said to the writer."""

    @property
    def valid(self) -> bool:
        return self.kind != "invalid"


class Counterpart(Protocol):
    def respond(self, game: LanguageGame) -> str:
        """The counterpart's next message, given the game so far (``game.history``, its private view)."""
        ...


class LanguageGame(gym.Env[dict[str, Any], str], ABC):
    """Base of the games. Subclasses define the roles, the private information, the parser and the scripted
    counterpart; this class runs the turns, records the history, and renders the prompt."""

    metadata = {"render_modes": []}
    agent_role = "Agent"
    counterpart_role = "Counterpart"
    config_class: Any
    """The game's config dataclass (it has at least ``max_turns``)."""

    def __init__(self, config: Any = None, counterpart: Counterpart | None = None) -> None:
        self.config = config if config is not None else self.config_class()
        if self.config.max_turns < 1:
            raise ValueError(f"max_turns must be >= 1, got {self.config.max_turns}")
        self.max_turns = self.config.max_turns
        self.counterpart = counterpart
        self.history: list[Turn] = []
        self.turn = 0
        self.observation_space = gym.spaces.Dict({"prompt": gym.spaces.Text(100_000)})
        self.action_space = gym.spaces.Text(10_000)

    # -- to define in a game -------------------------------------------------------------------------
    @abstractmethod
    def instructions(self) -> str:
        """The agent's role, goal, private information and message format."""

    @abstractmethod
    def parse(self, text: str, speaker: str) -> Move:
        """Reads a message (the agent's or an LLM counterpart's)."""

    @abstractmethod
    def apply(self, move: Move) -> tuple[bool, float]:
        """Applies the agent's valid move; returns (game over, agent's reward)."""

    @abstractmethod
    def scripted_reply(self) -> str:
        """The scripted counterpart's next message."""

    @abstractmethod
    def counterpart_move(self, move: Move) -> tuple[bool, float]:
        """Applies the counterpart's move; returns (game over, agent's reward)."""

    @abstractmethod
    def new_game(self) -> None:
        """Draws the private information for a game from ``self.np_random`` and resets the game's state."""

    def opening(self) -> str | None:
        """The counterpart's first message, if it speaks first."""
        return None

    def private_information(self) -> str:
        """The agent's private information in one line (its value, its item values), or "" when it has
        none. The transcript does not show it, yet it decides what a message is worth."""
        return ""

    # -- the turn loop -------------------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        self.history, self.turn = [], 0
        self.new_game()
        opening = self.opening()
        if opening:
            self.history.append(Turn(self.counterpart_role, opening))
        return self.observation(), {}

    def step(self, action: str):
        text = action if isinstance(action, str) else str(action)
        self.history.append(Turn(self.agent_role, text.strip()))
        self.turn += 1
        move = self.parse(text, self.agent_role)
        info: dict[str, Any] = {
            "invalid": not move.valid,
            "invalid_action": not move.valid,  # the name the shared episode loop (`run_episodes`) counts
            "invalid_reason": move.reason,
            "move": move.kind,
        }
        done, reward = False, 0.0
        if move.valid:
            done, reward = self.apply(move)
        else:
            self.history.append(Turn(self.counterpart_role, f"(I could not use that: {move.reason})"))
        if not done:
            reply = self.counterpart.respond(self) if self.counterpart is not None else self.scripted_reply()
            self.history.append(Turn(self.counterpart_role, reply))
            done, reward = self.counterpart_move(self.parse(reply, self.counterpart_role))
        truncated = not done and self.turn >= self.max_turns
        info |= {"success": done and reward > 0, "turns": self.turn}
        return self.observation(), reward, done, truncated, info

    def observation(self) -> dict[str, Any]:
        """``prompt``: what a policy is asked (instructions, transcript, whose turn); ``transcript``: the
        conversation alone (what ARIA embeds as the history); ``private``: the agent's private information
        (which ARIA can put ahead of the transcript); ``reply``: the counterpart's messages since the agent's
        last one (its opening before the first; what ARIA's intention paths cluster as observations);
        ``turn``: agent messages so far."""
        transcript = "\n".join(f"{t.speaker}: {t.text}" for t in self.history) or "(no messages yet)"
        since_agent = list(takewhile(lambda t: t.speaker != self.agent_role, reversed(self.history)))
        reply = "\n".join(t.text for t in reversed(since_agent))
        prompt = (
            f"{self.instructions()}\n\nConversation so far:\n{transcript}\n\n"
            f"Turn {self.turn + 1} of {self.max_turns}. Write your next message as {self.agent_role}."
        )
        private = self.private_information()
        return {"prompt": prompt, "transcript": transcript, "private": private, "reply": reply, "turn": self.turn}


class LLMCounterpart:
    """A language model on the other side of a game: it sees the game from its role (``view(game)``) and
    its messages are parsed by the game like the agent's; an unusable message is a move the game ignores.

    Args:
        engine: anything with ``generate(prompts, SamplingParams)`` (HF, vLLM) or an `OpenAIEngine`.
        tokenizer: renders the chat prompt; None for an engine that takes chat messages (an endpoint).
        view: the counterpart's prompt for the current game (its private information and the transcript).
    """

    def __init__(self, engine: Any, tokenizer: Any | None, view: Any, *, max_new_tokens: int = 64) -> None:
        from actionspace.serving.engine import SamplingParams

        self.engine, self.tokenizer, self.view = engine, tokenizer, view
        self.sampling = SamplingParams(max_new_tokens=max_new_tokens)

    def respond(self, game: LanguageGame) -> str:
        messages = [{"role": "user", "content": self.view(game)}]
        if self.tokenizer is None:
            return self.engine.chat([messages], self.sampling)[0].text
        prompt = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return self.engine.generate([prompt], self.sampling)[0].text


def candidate_pool(names: Iterable[str], size: int, what: str) -> list[str]:
    """The secrets a guessing game draws from: ``size`` names of a fixed shuffle of its knowledge base (the
    same in every process and run), or all of them for 0. A smaller pool is a game a small model can win."""
    ordered = sorted(names)
    if not 0 <= size <= len(ordered):
        raise ConfigError(f"{what} must be between 0 (all) and {len(ordered)}, got {size}")
    if size == 0:
        return ordered
    return sorted(random.Random(f"candidate_pool/{what}").sample(ordered, size))
