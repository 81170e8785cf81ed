"""Evaluation episodes on fresh envs, separate from training envs and their exploration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from actionspace.control.envs import EnvConfig, check_finite, final_info, make_vector_env
from actionspace.core.stats import wilson_interval


@dataclass
class EvalResult:
    returns: list[float] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    successes: list[bool] = field(default_factory=list)
    final_infos: list[dict[str, Any]] = field(default_factory=list)

    def metrics(self, prefix: str = "eval/") -> dict[str, float]:
        n = len(self.returns)
        low, high = wilson_interval(sum(self.successes), n)
        return {
            f"{prefix}return": float(np.mean(self.returns)),
            f"{prefix}return_std": float(np.std(self.returns)),
            f"{prefix}length": float(np.mean(self.lengths)),
            f"{prefix}success": float(np.mean(self.successes)),
            f"{prefix}success_low": low,
            f"{prefix}success_high": high,
            f"{prefix}episodes": float(n),
        }


def evaluate(
    act: Callable[[np.ndarray], np.ndarray],
    env_config: EnvConfig,
    *,
    episodes: int,
    seed: int,
    num_envs: int = 8,
    info_keys: tuple[str, ...] = ("goal_index",),
) -> EvalResult:
    """Runs ``episodes`` complete episodes with ``act`` (raw observations in, env actions out).

    ``act`` decides whether it is deterministic; the control trainers pass their policy's deterministic
    action (the Gaussian mean, the flow from zero noise, the greedy Q action). ``reset`` is called on
    ``act`` (if it has one) with the indices of envs that start a new episode, for stateful executors
    such as CQN-AS's action-sequence ensembling.
    """
    envs = make_vector_env(env_config, seed=seed, num_envs=min(num_envs, episodes))
    observations, _ = envs.reset(seed=seed)
    result = EvalResult()
    episode_return = np.zeros(envs.num_envs)
    episode_length = np.zeros(envs.num_envs, int)
    # Every env finishes the episode it is in, but only the first `episodes` episodes started count.
    started = envs.num_envs
    counted = np.ones(envs.num_envs, bool)
    reset = getattr(act, "reset", None)
    if reset is not None:
        reset(np.arange(envs.num_envs))
    while len(result.returns) < episodes:
        check_finite(observations, where="observation")
        observations, rewards, terminated, truncated, infos = envs.step(act(observations))
        episode_return += rewards
        episode_length += 1
        dones = terminated | truncated
        for index in map(int, np.flatnonzero(dones)):
            if counted[index]:
                result.returns.append(float(episode_return[index]))
                result.lengths.append(int(episode_length[index]))
                result.successes.append(bool(final_info(infos, index, "is_success", False)))
                result.final_infos.append({key: final_info(infos, index, key) for key in info_keys})
            counted[index] = started < episodes
            started += 1
            episode_return[index] = 0.0
            episode_length[index] = 0
        if reset is not None and dones.any():
            reset(np.flatnonzero(dones))
    envs.close()
    result.returns, result.lengths = result.returns[:episodes], result.lengths[:episodes]
    result.successes, result.final_infos = result.successes[:episodes], result.final_infos[:episodes]
    return result
