"""Running observation normalisation and return-based reward scaling (as SB3's VecNormalize does).

Both keep their statistics in float64 numpy and expose ``state_dict``/``load_state_dict``, so ``Run``
checkpoints them with the model and a resumed run normalises exactly as before.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class RunningMeanStd:
    """Mean and variance of a stream of batches (Chan et al.'s parallel update)."""

    def __init__(self, shape: tuple[int, ...] = ()) -> None:
        self.mean = np.zeros(shape, np.float64)
        self.var = np.ones(shape, np.float64)
        self.count = 1e-4

    def update(self, batch: np.ndarray) -> None:
        batch = np.asarray(batch, np.float64)
        batch_mean, batch_var, batch_count = batch.mean(axis=0), batch.var(axis=0), batch.shape[0]
        delta = batch_mean - self.mean
        total = self.count + batch_count
        self.mean = self.mean + delta * batch_count / total
        m2 = self.var * self.count + batch_var * batch_count + delta**2 * self.count * batch_count / total
        self.var = m2 / total
        self.count = total

    def state_dict(self) -> dict[str, Any]:
        return {"mean": self.mean.copy(), "var": self.var.copy(), "count": self.count}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.mean, self.var, self.count = np.array(state["mean"]), np.array(state["var"]), float(state["count"])


class ObservationNormalizer:
    """``clip((obs - mean) / std)`` with running statistics; ``update=False`` freezes them (evaluation)."""

    def __init__(self, shape: tuple[int, ...], *, enabled: bool = True, clip: float = 10.0, epsilon: float = 1e-8):
        self.stats = RunningMeanStd(shape)
        self.enabled = enabled
        self.clip = clip
        self.epsilon = epsilon

    def __call__(self, observations: np.ndarray, *, update: bool = False) -> np.ndarray:
        if not self.enabled:
            return np.asarray(observations, np.float32)
        if update:
            self.stats.update(observations)
        normalised = (observations - self.stats.mean) / np.sqrt(self.stats.var + self.epsilon)
        return np.clip(normalised, -self.clip, self.clip).astype(np.float32)

    def state_dict(self) -> dict[str, Any]:
        return self.stats.state_dict()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.stats.load_state_dict(state)


class RewardScaler:
    """Divides rewards by the running std of the discounted return, per env stream (no mean shift, so
    the sign of rewards, and what termination means, is unchanged)."""

    def __init__(self, num_envs: int, gamma: float, *, enabled: bool = True, clip: float = 10.0, epsilon: float = 1e-8):
        self.stats = RunningMeanStd(())
        self.returns = np.zeros(num_envs, np.float64)
        self.gamma = gamma
        self.enabled = enabled
        self.clip = clip
        self.epsilon = epsilon

    def __call__(self, rewards: np.ndarray, dones: np.ndarray) -> np.ndarray:
        if not self.enabled:
            return np.asarray(rewards, np.float32)
        self.returns = self.returns * self.gamma + rewards
        self.stats.update(self.returns)
        self.returns[dones] = 0.0
        return np.clip(rewards / np.sqrt(self.stats.var + self.epsilon), -self.clip, self.clip).astype(np.float32)

    def state_dict(self) -> dict[str, Any]:
        return self.stats.state_dict()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.stats.load_state_dict(state)
