"""Online ARIA's fresh moves, checked by the game before the reward model is trusted with them.

The reward model reads sentence embeddings, and the encoder puts text the game cannot use next to text it
can: a negotiator reward-hacked it with ``Accecececept.``, which the game rejects and the encoder places
beside ``Accept.``. The game is at hand. A self-play history is rebuilt by replaying its game (same seed,
the agent's earlier moves; the scripted counterparts are deterministic), and each fresh move is checked
there (``online_move_check``):
- ``rules``: the game's parser reads the move in that state. A move it rejects is ranked with the group's
  worst usable move: writing nothing the game can use is never better than the worst thing that it can at
  the same point (its turn is spent either way). Like an action mask, this uses the game's rules, not its
  outcomes.
- ``play``: the move is also played on a copy of the game. One that ends it (a deal, a walk-away, a right
  guess, the last turn) is scored by the game's reward, its return (the last move is not discounted). These
  are game steps beyond the self-play games', and the trainer counts them.
Any other move keeps the reward model's score. A history whose replay does not reproduce the recorded
transcript (a counterpart that answers differently the second time) is not checked.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import gymnasium as gym
import numpy as np

from actionspace.envs.language.base import LanguageGame


@dataclass(frozen=True)
class MoveOutcome:
    """What the game made of one fresh move."""

    rejected: bool
    """The game could not use it (``info["invalid"]``)."""
    ended: bool
    """The game ended with it (terminated, or truncated at the last turn)."""
    reward: float
    """The game's reward for it (0 unless it ended the game)."""


def replay(make_game: Callable[[], gym.Env], seed: int, moves: Sequence[str]) -> LanguageGame:
    """The game of ``seed`` after the agent's ``moves`` (each answered by the game's counterpart)."""
    game = make_game()
    if not isinstance(game, LanguageGame):
        raise TypeError(f"only language games can be replayed, got {type(game).__name__}")
    game.reset(seed=seed)
    for move in moves:
        game.step(move)
    return game


def read_moves(game: LanguageGame, moves: Sequence[str]) -> list[MoveOutcome]:
    """Whether the game's rules reject each move in the game's present state (nothing is played)."""
    return [MoveOutcome(not game.parse(move, game.agent_role).valid, ended=False, reward=0.0) for move in moves]


def play_moves(game: LanguageGame, moves: Sequence[str]) -> list[MoveOutcome]:
    """Each move played on its own copy of ``game`` (``game`` itself is left as it is)."""
    outcomes = []
    for move in moves:
        _, reward, terminated, truncated, info = copy.deepcopy(game).step(move)
        outcomes.append(MoveOutcome(bool(info["invalid"]), terminated or truncated, float(reward)))
    return outcomes


def checked_scores(model_scores: np.ndarray, outcomes: Sequence[MoveOutcome | None], return_scale: float) -> np.ndarray:
    """One group's scores (the fresh moves at one history): the reward model's ``model_scores`` corrected by
    the game's ``outcomes`` (None: unchecked), rewards divided by ``return_scale`` as the batch's returns
    were. Rejected moves that do not end the game take the lowest score among the rest; when every move is
    rejected they all take the group's mean, so none is preferred."""
    scores = np.asarray(model_scores, dtype=np.float64).copy()
    rejected = np.array([o is not None and o.rejected and not o.ended for o in outcomes])
    for i, outcome in enumerate(outcomes):
        if outcome is not None and outcome.ended:
            scores[i] = outcome.reward / return_scale
    if rejected.any():
        scores[rejected] = scores[~rejected].min() if (~rejected).any() else scores.mean()
    return scores
