"""Online ARIA's game check: fresh moves played in a replayed game, and their scores corrected by hand."""

from __future__ import annotations

import numpy as np
import pytest

from actionspace.envs.language.negotiation import NegotiationGame
from actionspace.envs.language.players import ScriptedPlayer
from actionspace.trainers.aria.game_check import MoveOutcome, checked_scores, play_moves, read_moves, replay
from actionspace.trainers.aria.rollout import collect_games
from tests.trainers.aria.test_aria_trainer import _trainer


def test_checked_scores_by_hand():
    # Fresh moves at one history: the model scores 0.9, 0.2, 0.5, 0.8 and 0.7. The game rejects the first,
    # ends the game with the third (reward 6, batch scale 2 -> 3.0), leaves the fourth unchecked and
    # rejects the fifth on the last turn (the game ends, reward 0). The rejected first move takes the lowest
    # score of the rest: min(0.2, 3.0, 0.8, 0.0) = 0.0.
    outcomes = [
        MoveOutcome(rejected=True, ended=False, reward=0.0),
        MoveOutcome(rejected=False, ended=False, reward=0.0),
        MoveOutcome(rejected=False, ended=True, reward=6.0),
        None,
        MoveOutcome(rejected=True, ended=True, reward=0.0),
    ]
    scores = checked_scores(np.array([0.9, 0.2, 0.5, 0.8, 0.7]), outcomes, return_scale=2.0)
    assert scores.tolist() == pytest.approx([0.0, 0.2, 3.0, 0.8, 0.0])
    # Every move rejected: all take the group's mean, so no move is preferred.
    rejected = [MoveOutcome(rejected=True, ended=False, reward=0.0)] * 2
    assert checked_scores(np.array([1.0, 3.0]), rejected, return_scale=1.0).tolist() == [2.0, 2.0]


def test_a_replayed_negotiation_takes_fresh_moves_as_the_game_would():
    game = replay(NegotiationGame, seed=7, moves=["I take 4 books, 3 hats and 3 balls."])
    assert game.partner_proposal is not None and game.turn == 1
    transcript = game.observation()["transcript"]
    moves = ["Accept.", "Accecececept.", "I take 1 book."]
    # By the rules alone: only the near-miss is rejected, and nothing is played.
    assert [o.rejected for o in read_moves(game, moves)] == [False, True, False]
    accept, near_miss, proposal = play_moves(game, moves)
    assert accept == MoveOutcome(
        rejected=False, ended=True, reward=float(game.agent_values @ (game.counts - game.partner_proposal))
    )
    assert near_miss.rejected and not near_miss.ended
    assert not proposal.rejected
    assert game.observation()["transcript"] == transcript and game.turn == 1  # tried on copies
    with pytest.raises(TypeError, match="language games"):
        replay(lambda: object(), seed=0, moves=[])  # type: ignore[arg-type, return-value]


def test_every_self_play_history_replays_to_its_recorded_game(tmp_path):
    trainer = _trainer(tmp_path, game={"name": "negotiation"}, history_with_private=True)
    games, _ = collect_games(
        lambda _: NegotiationGame(), ScriptedPlayer("negotiation", seed=1), "negotiation", range(6), num_envs=3,
        with_private=True,
    )  # fmt: skip
    samples = [sample for game in games for sample in game]
    histories = trainer._replayable_histories(samples)
    assert len(histories) == len({s.transition.prompt for s in samples})
    for history in histories:
        game = trainer._replayed(history)
        assert game is not None and game.turn == len(history.earlier_moves)
    tampered = histories[-1]
    tampered = type(tampered)(tampered.prompt, tampered.history + " (edited)", tampered.seed, tampered.earlier_moves)
    assert trainer._replayed(tampered) is None
