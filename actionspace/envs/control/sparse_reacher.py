"""Sparse-reward MuJoCo reaching, with a scripted expert for demonstrations.

The arm is gymnasium's Reacher-v5 (two joints, torque control). The reward is 1 on success and 0 on
every other step, the shape of Fetch-style manipulation rewards. With ``num_targets=2`` the fingertip
must touch target A and then target B; the observation carries both targets and a flag saying whether
A has been touched, so the task is Markov but needs a longer, coordinated action sequence.

Success needs the fingertip within ``success_radius`` of the (last) target *and* the arm nearly still
(joint speed below ``max_speed``): reaching and stopping, which random torques almost never do.

The expert solves the arm's inverse kinematics in closed form (two links) and tracks the joint angles
with a PD controller; it succeeds from any start in about 10 to 30 steps.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.envs.mujoco.reacher_v5 import ReacherEnv


class SparseReacherEnv(gym.Env[np.ndarray, np.ndarray]):
    metadata = {"render_modes": []}

    def __init__(self, num_targets: int = 1, success_radius: float = 0.02, max_speed: float = 1.0) -> None:
        if num_targets not in (1, 2):
            raise ValueError(f"num_targets must be 1 or 2, got {num_targets}")
        self.arm = ReacherEnv()
        self.num_targets = num_targets
        self.success_radius = success_radius
        self.max_speed = max_speed
        # joint angles (cos, sin), joint velocities, fingertip xy, targets xy, progress flag
        size = 4 + 2 + 2 + 2 * num_targets + (1 if num_targets > 1 else 0)
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, shape=(size,), dtype=np.float64)
        self.action_space = gym.spaces.Box(-1.0, 1.0, shape=(2,), dtype=np.float32)
        self.targets = np.zeros((num_targets, 2))
        self._touched = 0

    # ----------------------------------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict]:
        super().reset(seed=seed)
        self.arm.reset(seed=int(self.np_random.integers(2**31)))
        self.targets = np.stack([self._sample_target() for _ in range(self.num_targets)])
        if self.num_targets > 1:
            # Targets far enough apart that touching both is two distinct motions.
            while np.linalg.norm(self.targets[0] - self.targets[1]) < 0.1:
                self.targets[1] = self._sample_target()
        self._touched = 0
        self._place_marker()
        return self._observation(), {}

    def step(self, action: np.ndarray) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        self.arm.do_simulation(np.clip(action, -1.0, 1.0), self.arm.frame_skip)
        near = np.linalg.norm(self.fingertip - self.current_target) < self.success_radius
        last = self._touched == self.num_targets - 1
        if near and not last:
            self._touched += 1  # intermediate targets only need touching
            self._place_marker()
        success = bool(near and last and np.linalg.norm(self.arm.data.qvel[:2]) < self.max_speed)
        if success:
            self._touched += 1
        return self._observation(), float(success), success, False, {"is_success": success}

    # ----------------------------------------------------------------------------------------------
    @property
    def fingertip(self) -> np.ndarray:
        return self.arm.get_body_com("fingertip")[:2].copy()

    @property
    def current_target(self) -> np.ndarray:
        return self.targets[min(self._touched, self.num_targets - 1)]

    @property
    def link_lengths(self) -> tuple[float, float]:
        model = self.arm.model
        return float(np.linalg.norm(model.body("body1").pos[:2])), float(
            np.linalg.norm(model.body("fingertip").pos[:2])
        )

    def _sample_target(self) -> np.ndarray:
        while True:
            target = self.np_random.uniform(-0.2, 0.2, size=2)
            if 0.05 < np.linalg.norm(target) < 0.2:
                return target

    def _place_marker(self) -> None:
        # The model's own target body shows the current target (only matters for rendering and the
        # reacher's own bookkeeping; our reward uses self.targets).
        qpos = self.arm.data.qpos.copy()
        qvel = self.arm.data.qvel.copy()
        qpos[-2:] = self.current_target
        qvel[-2:] = 0.0
        self.arm.set_state(qpos, qvel)

    def _observation(self) -> np.ndarray:
        angles = self.arm.data.qpos.flat[:2]
        parts = [np.cos(angles), np.sin(angles), self.arm.data.qvel.flat[:2], self.fingertip, self.targets.ravel()]
        if self.num_targets > 1:
            parts.append(np.array([float(self._touched)]))
        return np.concatenate(parts).astype(np.float64)


def reacher_expert_action(env: SparseReacherEnv, *, kp: float = 2.0, kd: float = 0.1) -> np.ndarray:
    """The scripted expert's torque for ``env`` (unwrapped): closed-form IK, then joint-space PD."""
    l1, l2 = env.link_lengths
    x, y = env.current_target
    cos_elbow = np.clip((x * x + y * y - l1 * l1 - l2 * l2) / (2 * l1 * l2), -1.0, 1.0)
    angles = env.arm.data.qpos[:2]
    best = None
    for elbow in (np.arccos(cos_elbow), -np.arccos(cos_elbow)):  # pick the elbow solution closer to now
        shoulder = np.arctan2(y, x) - np.arctan2(l2 * np.sin(elbow), l1 + l2 * np.cos(elbow))
        error = (np.array([shoulder, elbow]) - angles + np.pi) % (2 * np.pi) - np.pi
        if best is None or np.abs(error).sum() < np.abs(best).sum():
            best = error
    assert best is not None
    return np.clip(kp * best - kd * env.arm.data.qvel[:2], -1.0, 1.0).astype(np.float32)
