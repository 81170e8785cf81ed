"""Demonstrations from scripted experts, generated locally (nothing is downloaded).

``EXPERTS`` maps env ids to a function of the unwrapped env returning the expert's action.
:func:`generate_demos` keeps only successful episodes, so a demo buffer never teaches failure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gymnasium as gym
import numpy as np

from actionspace.control.replay import ReplayBuffer
from actionspace.envs.control import reacher_expert_action

EXPERTS: dict[str, Callable[[Any], np.ndarray]] = {
    "actionspace/SparseReacher-v0": reacher_expert_action,
    "actionspace/SparseReacherTwoTargets-v0": reacher_expert_action,
}


def generate_demos(
    env_id: str,
    episodes: int,
    *,
    seed: int,
    env_kwargs: dict[str, Any] | None = None,
    action_noise: float = 0.0,
    max_attempts_factor: int = 5,
) -> list[dict[str, np.ndarray]]:
    """``episodes`` successful expert episodes as dicts of [T, ...] arrays, on the env built with
    ``env_kwargs`` (the same kwargs the agent trains with, so demos and agent share one task)."""
    expert = EXPERTS[env_id]
    env = gym.make(env_id, **(env_kwargs or {}))
    rng = np.random.default_rng(seed)
    kept: list[dict[str, np.ndarray]] = []
    attempt = 0
    while len(kept) < episodes:
        if attempt >= episodes * max_attempts_factor:
            raise RuntimeError(f"the {env_id} expert succeeded in only {len(kept)} of {attempt} episodes")
        observation, _ = env.reset(seed=seed * 100_003 + attempt)
        attempt += 1
        steps: dict[str, list[Any]] = {
            k: [] for k in ("observations", "actions", "rewards", "next_observations", "terminated", "dones")
        }
        done, info = False, dict[str, Any]()
        while not done:
            action = expert(env.unwrapped)
            if action_noise:
                action = np.clip(action + rng.normal(0, action_noise, action.shape), -1, 1).astype(np.float32)
            next_observation, reward, terminated, truncated, info = env.step(action)
            done = terminated or truncated
            for key, value in zip(
                steps, (observation, action, reward, next_observation, terminated, done), strict=True
            ):
                steps[key].append(value)
            observation = next_observation
        if info.get("is_success", False):
            kept.append({key: np.asarray(value) for key, value in steps.items()})
    env.close()
    return kept


EPISODE_KEYS = ("observations", "actions", "rewards", "next_observations", "terminated", "dones")


def demo_buffer(episodes: list[dict[str, np.ndarray]], obs_dim: int, action_dim: int, capacity: int) -> ReplayBuffer:
    """One replay lane holding episodes back to back; more (relabeled successes) can be appended."""
    total = sum(len(e["rewards"]) for e in episodes)
    buffer = ReplayBuffer(max(capacity, total), 1, obs_dim, action_dim)
    for episode in episodes:
        append_episode(buffer, episode)
    return buffer


def append_episode(buffer: ReplayBuffer, episode: dict[str, np.ndarray]) -> None:
    for t in range(len(episode["rewards"])):
        buffer.add(*(np.asarray(episode[key][t : t + 1]) for key in EPISODE_KEYS))
