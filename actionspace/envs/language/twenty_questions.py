"""Twenty Questions: the agent asks yes/no questions to find a hidden object; success = naming it in time.

The scripted answerer works from the knowledge base in `objects.py`: a question naming an object is a
guess; otherwise the first attribute the question asks about (by keyword) is answered yes or no, and a
question about none of them gets "I can't answer that with yes or no." (a spent turn, not an invalid
move). An empty message is invalid. Reward: 1 when the object is named, else 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from actionspace.core.registry import ENVS
from actionspace.envs.language.base import LanguageGame, Move, candidate_pool
from actionspace.envs.language.objects import ATTRIBUTES, OBJECTS

NAMES = sorted(OBJECTS, key=len, reverse=True)  # "oak tree" before "tree"-like shorter names
GUESS = re.compile(r"\b(" + "|".join(re.escape(n) for n in NAMES) + r")s?\b", re.IGNORECASE)
UNANSWERABLE = "I can't answer that with yes or no."


@dataclass(kw_only=True)
class TwentyQuestionsConfig:
    max_turns: int = 20
    """Questions per game (the game's name)."""
    objects: int = 0
    """The hidden object is one of this many (a fixed subset of the knowledge base, listed in the
    instructions); 0: any of the whole knowledge base, unlisted."""

    def __post_init__(self) -> None:
        candidate_pool(OBJECTS, self.objects, "objects")


def read_question(text: str) -> Move:
    """A guess (names an object), a question about an attribute, or an unanswerable question."""
    if not text.strip(" ?.!\n\t"):
        return Move("invalid", reason="the question is empty")
    guess = GUESS.search(text)
    if guess:
        return Move("guess", guess.group(1).lower())
    for attribute, pattern in ATTRIBUTES:
        if pattern.search(text):
            return Move("question", attribute)
    return Move("question", None)


@ENVS.register("twenty_questions")
class TwentyQuestionsGame(LanguageGame):
    agent_role = "Questioner"
    counterpart_role = "Answerer"
    config_class = TwentyQuestionsConfig
    secret: str
    last: Move | None
    """The agent's move the answerer is to answer."""

    @property
    def pool(self) -> list[str]:
        """The objects the secret is drawn from (public: the instructions list a restricted pool)."""
        return candidate_pool(OBJECTS, self.config.objects, "objects")

    def new_game(self) -> None:
        pool = self.pool
        self.secret = pool[int(self.np_random.integers(len(pool)))]
        self.last = None

    def instructions(self) -> str:
        listed = f" It is one of: {', '.join(self.pool)}." if self.config.objects else ""
        return (
            "We play Twenty Questions. The Answerer thinks of an everyday object (an animal, a plant, a food or "
            f"a made thing).{listed} Ask yes/no questions to find it, and name it to win ('Is it a kettle?'). "
            f"You have {self.max_turns} questions."
        )

    def parse(self, text: str, speaker: str) -> Move:
        if speaker == self.counterpart_role:  # an answer: only "yes" matters to the game state
            return Move("answer", text.strip().lower().startswith("yes"))
        return read_question(text)

    def apply(self, move: Move) -> tuple[bool, float]:
        self.last = move
        if move.kind == "guess" and move.value == self.secret:
            return True, 1.0
        return False, 0.0

    def scripted_reply(self) -> str:
        move = self.last
        if move is None or move.kind != "question" and move.kind != "guess":
            return UNANSWERABLE
        if move.kind == "guess":
            return "No."
        if move.value is None:
            return UNANSWERABLE
        return "Yes." if move.value in OBJECTS[self.secret] else "No."

    def counterpart_move(self, move: Move) -> tuple[bool, float]:
        self.last = None
        return False, 0.0
