"""Statistics of the training episodes a control trainer finishes (returns, lengths, success)."""

from __future__ import annotations

from typing import Any

import numpy as np

from actionspace.control.envs import final_info


class EpisodeTracker:
    """Returns, lengths and successes of the training episodes finished since the last flush."""

    def __init__(self, num_envs: int) -> None:
        self.returns = np.zeros(num_envs)
        self.lengths = np.zeros(num_envs, int)
        self.finished: list[tuple[float, int, bool]] = []

    def step(self, rewards: np.ndarray, dones: np.ndarray, infos: dict[str, Any]) -> None:
        self.returns += rewards
        self.lengths += 1
        for index in map(int, np.flatnonzero(dones)):
            success = bool(final_info(infos, index, "is_success", False))
            self.finished.append((float(self.returns[index]), int(self.lengths[index]), success))
            self.returns[index] = 0.0
            self.lengths[index] = 0

    def flush(self) -> dict[str, float]:
        if not self.finished:
            return {}
        returns, lengths, successes = zip(*self.finished, strict=True)
        self.finished = []
        return {
            "train/episode_return": float(np.mean(returns)),
            "train/episode_length": float(np.mean(lengths)),
            "train/success": float(np.mean(successes)),
            "train/episodes": float(len(returns)),
        }
