"""A 2-D point that may go to any of several equally rewarding goals: the multimodal control task.

The point starts at the origin, always; each step moves it by ``0.1 * action`` (action in [-1, 1]^2). An
episode ends with reward 1 on entering a goal's radius (``info["goal_index"]`` says which), and each
step costs a little, so every goal is equally good and reaching one quickly is best. With ``step_size=1`` and
``horizon=1`` (the recipes' setting) it is one-shot: a single 2-D action must land in one of the goals. A unimodal
Gaussian policy has to commit to one direction from the start; a policy that can represent several
modes can send different episodes to different goals, which is what `benchmarks/genpo_table.py` measures.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np


class MultiGoalEnv(gym.Env[np.ndarray, np.ndarray]):
    metadata = {"render_modes": []}

    def __init__(
        self,
        num_goals: int = 4,
        goal_distance: float = 1.0,
        goal_radius: float = 0.25,
        step_size: float = 0.1,
        step_cost: float = 0.01,
        horizon: int | None = None,
    ) -> None:
        angles = 2 * np.pi * np.arange(num_goals) / num_goals + np.pi / 4
        self.goals = goal_distance * np.stack([np.cos(angles), np.sin(angles)], axis=1)
        self.goal_radius = goal_radius
        self.step_size = step_size
        self.step_cost = step_cost
        self.horizon = horizon
        self._steps = 0
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, shape=(2,), dtype=np.float64)
        self.action_space = gym.spaces.Box(-1.0, 1.0, shape=(2,), dtype=np.float32)
        self._position = np.zeros(2)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict]:
        super().reset(seed=seed)
        self._position = np.zeros(2)  # always the same start: the choice of goal cannot come from the state
        self._steps = 0
        return self._position.copy(), {}

    def step(self, action: np.ndarray) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        self._position = self._position + self.step_size * np.clip(action, -1.0, 1.0)
        distances = np.linalg.norm(self.goals - self._position, axis=1)
        nearest = int(np.argmin(distances))
        reached = bool(distances[nearest] < self.goal_radius)
        reward = (1.0 if reached else 0.0) - self.step_cost
        info: dict[str, Any] = {"is_success": reached, "goal_index": nearest if reached else -1}
        self._steps += 1
        # With a horizon the episode *terminates* there (a one-shot task when horizon=1): nothing to bootstrap.
        out_of_time = self.horizon is not None and self._steps >= self.horizon
        return self._position.copy(), reward, reached or out_of_time, False, info
