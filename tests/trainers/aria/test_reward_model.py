"""Online ARIA's reward model: it fits R~ and generalises to unseen games of the same intentions."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from actionspace.trainers.aria.reward_model import IntentionRewardModel, fit_reward_model


def _intentions(games: int, rng: np.random.Generator):
    """Moves of 4 intentions after 2 kinds of history; R~ is a known value per (history, intention)."""
    history_centres, move_centres = rng.normal(size=(2, 16)), rng.normal(size=(4, 16))
    value = np.array([[1.0, -1.0, 0.5, 0.0], [-0.5, 0.5, 0.0, 1.0]])
    h_kind, m_kind = rng.integers(0, 2, size=games * 5), rng.integers(0, 4, size=games * 5)
    histories = history_centres[h_kind] + 0.05 * rng.normal(size=(games * 5, 16))
    moves = move_centres[m_kind] + 0.05 * rng.normal(size=(games * 5, 16))
    groups = np.repeat(np.arange(games), 5)
    return histories.astype(np.float32), moves.astype(np.float32), value[h_kind, m_kind], groups


def test_fit_learns_the_aggregated_reward_and_generalises_to_held_out_games():
    torch.manual_seed(0)
    histories, moves, targets, groups = _intentions(200, np.random.default_rng(0))
    model = IntentionRewardModel(16, hidden=64)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    metrics = fit_reward_model(model, optimizer, histories, moves, targets, groups, epochs=40, seed=0)
    assert metrics["reward_model/train_mse"] < 0.05 * metrics["reward_model/target_var"]
    assert metrics["reward_model/holdout_mse"] < 0.05 * metrics["reward_model/target_var"]
    assert metrics["reward_model/holdout_r2"] > 0.9
    assert metrics["reward_model/train_mse_before"] > 10 * metrics["reward_model/train_mse"]
    # A fresh move of intention 0 after history kind 1 scores near its R~ (-0.5), one of intention 3 near 1.
    fresh_h, fresh_m, fresh_t, _ = _intentions(50, np.random.default_rng(0))
    assert np.abs(model.score(fresh_h, fresh_m) - fresh_t).mean() < 0.15


def test_holdout_keeps_whole_games_out_of_training():
    histories, moves, targets, groups = _intentions(20, np.random.default_rng(1))
    model = IntentionRewardModel(16, hidden=8)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)  # nothing moves: train and holdout are fixed sets
    metrics = fit_reward_model(model, optimizer, histories, moves, targets, groups, epochs=1, holdout=0.5, seed=3)
    errors = (model.score(histories, moves) - targets) ** 2
    # The same draw fit_reward_model makes: 10 of the 20 games, every move of each one held out.
    held = np.random.default_rng(3).choice(np.unique(groups), size=10, replace=False)
    in_held = np.isin(groups, held)
    assert metrics["reward_model/holdout_mse"] == pytest.approx(errors[in_held].mean(), rel=1e-5)
    assert metrics["reward_model/train_mse"] == pytest.approx(errors[~in_held].mean(), rel=1e-5)


def test_early_stopping_keeps_the_epoch_that_scores_held_out_games_best():
    """Targets that are noise per game: training can only memorise, so the held-out error is lowest early,
    and the weights returned are that epoch's (their held-out error is the one reported)."""
    rng = np.random.default_rng(2)
    histories, moves = rng.normal(size=(2, 300, 16)).astype(np.float32)
    targets, groups = rng.normal(size=300), np.repeat(np.arange(60), 5)
    torch.manual_seed(0)
    model = IntentionRewardModel(16, hidden=128)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    metrics = fit_reward_model(model, optimizer, histories, moves, targets, groups, epochs=60, holdout=0.3, seed=0)
    held = np.isin(groups, np.random.default_rng(0).choice(np.unique(groups), size=18, replace=False))
    kept_error = np.mean((model.score(histories[held], moves[held]) - targets[held]) ** 2)
    assert metrics["reward_model/holdout_mse"] == pytest.approx(kept_error, rel=1e-5)
    assert metrics["reward_model/epochs_kept"] < 60  # the last epochs memorise the training games
    # Not the memorised fit of the last epoch (with nothing held out, the same fit reaches a train MSE < 0.1).
    assert metrics["reward_model/train_mse"] > 0.5 * metrics["reward_model/target_var"]
    assert metrics["reward_model/holdout_r2"] == pytest.approx(1 - kept_error / np.var(targets[held]), rel=1e-5)
    assert metrics["reward_model/holdout_r2"] < 0.1  # noise: no skill on unseen games


def test_a_single_game_is_held_out_of_two_and_none_of_one():
    histories, moves, targets, groups = _intentions(2, np.random.default_rng(4))
    model = IntentionRewardModel(16, hidden=8)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    metrics = fit_reward_model(model, optimizer, histories, moves, targets, groups, epochs=1, seed=0)
    assert not np.isnan(metrics["reward_model/holdout_mse"]) and not np.isnan(metrics["reward_model/train_mse"])
    one = groups == 0
    metrics = fit_reward_model(model, optimizer, histories[one], moves[one], targets[one], groups[one], epochs=1)
    assert np.isnan(metrics["reward_model/holdout_mse"]) and np.isnan(metrics["reward_model/holdout_r2"])
