"""Online ARIA's reward model: r(h, a), regressed on the intention-aggregated reward R~.

Offline ARIA can only credit moves the policy already played. The online variant (arXiv 2506.00539,
"ARIA online") distils R~ into a model that scores *any* move after any history, so the policy can be
updated on fresh moves it samples now. The paper fine-tunes an LLM as a pointwise reward model; here the
model reads the same sentence embeddings that defined R~ (history, move, and their product) through a
small MLP: R~ is constant on each (history cluster, move cluster), a function of those embeddings, and
fitting it takes seconds on a CPU instead of an LLM fine-tune per iteration.
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn


class IntentionRewardModel(nn.Module):
    """Args:
    dimension: size of the sentence embeddings.
    hidden: width of the two hidden layers.
    """

    def __init__(self, dimension: int, hidden: int = 256) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(3 * dimension, hidden), nn.GELU(), nn.Linear(hidden, hidden), nn.GELU(), nn.Linear(hidden, 1)
        )

    def forward(self, histories: torch.Tensor, moves: torch.Tensor) -> torch.Tensor:
        """(B, d) history and move embeddings -> (B,) predicted R~."""
        return self.net(torch.cat([histories, moves, histories * moves], dim=-1)).squeeze(-1)

    @torch.no_grad()
    def score(self, histories: np.ndarray, moves: np.ndarray) -> np.ndarray:
        was_training = self.training
        self.eval()
        try:
            return self(torch.from_numpy(histories), torch.from_numpy(moves)).numpy().astype(np.float64)
        finally:
            self.train(was_training)


def fit_reward_model(
    model: IntentionRewardModel,
    optimizer: torch.optim.Optimizer,
    histories: np.ndarray,
    moves: np.ndarray,
    targets: np.ndarray,
    groups: np.ndarray,
    *,
    epochs: int,
    batch_size: int = 256,
    holdout: float = 0.1,
    seed: int = 0,
) -> dict[str, float]:
    """Mean-squared-error regression of ``targets`` (R~ per move), warm-started from the model's weights.

    A ``holdout`` fraction of the groups (games: their moves are correlated; at least one game when there are
    two) is kept out of training. The weights kept are those of the epoch (0: the warm start) with the
    lowest held-out error: a few hundred games are few for an MLP on 1152 inputs, and later epochs
    memorise them. ``reward_model/holdout_r2`` is the share of the held-out games' R~ variance the kept
    model explains (NaN when they have none): at or below 0 it scores unseen games no better than their mean.
    """
    rng = np.random.default_rng(seed)
    distinct = np.unique(groups)
    size = max(int(len(distinct) * holdout), 1 if len(distinct) > 1 and holdout > 0 else 0)
    held = set(rng.choice(distinct, size=size, replace=False).tolist())
    test = np.array([g in held for g in groups])
    data = [torch.from_numpy(np.asarray(x, dtype=np.float32)) for x in (histories, moves, targets)]
    train_index, test_index = np.flatnonzero(~test), np.flatnonzero(test)

    def mse(index: np.ndarray) -> float:
        if len(index) == 0:
            return float("nan")
        prediction = model.score(histories[index], moves[index])
        return float(np.mean((prediction - targets[index]) ** 2))

    before = mse(train_index)
    best_error, best_epoch, best_state = mse(test_index), 0, copy.deepcopy(model.state_dict())
    model.train()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(train_index)
        for start in range(0, len(order), batch_size):
            chosen = torch.from_numpy(order[start : start + batch_size])
            loss = nn.functional.mse_loss(model(data[0][chosen], data[1][chosen]), data[2][chosen])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        error = mse(test_index)
        if not error >= best_error:  # lower, or no held-out games to judge by (NaN): keep training's weights
            best_error, best_epoch, best_state = error, epoch, copy.deepcopy(model.state_dict())
    model.load_state_dict(best_state)
    held_variance = float(np.var(targets[test_index])) if len(test_index) else float("nan")
    return {
        "reward_model/train_mse_before": before,
        "reward_model/train_mse": mse(train_index),
        "reward_model/holdout_mse": best_error,
        "reward_model/target_var": float(np.var(targets[train_index])) if len(train_index) else float("nan"),
        "reward_model/holdout_r2": 1 - best_error / held_variance if held_variance > 0 else float("nan"),
        "reward_model/epochs_kept": float(best_epoch),
    }
