"""`EnvPool`: many environments stepped concurrently, with auto-reset and recovery from dead backends.

Threads, not processes: the slow environments this is for (a real emulator at ~1 s a step, simphone with
``step_latency_s``) spend their time waiting on I/O or sleeping, which releases the GIL, and thread
workers can share a policy's engine without pickling. ``step`` returns when every environment has
stepped; a finished episode is reset in the same call, with its last observation and info kept in
``info["final_observation"]`` and ``info["final_info"]`` (gymnasium's same-step autoreset).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import gymnasium as gym

from actionspace.envs.errors import EnvironmentDied

StepResult = tuple[Any, float, bool, bool, dict[str, Any]]


class EnvPool:
    """Args:
    make_env: builds environment number ``i``; called again to replace one that died.
    num_envs: how many environments run at once.
    autoreset: reset finished episodes inside ``step`` (set False to manage resets yourself).
    """

    def __init__(self, make_env: Callable[[int], gym.Env], num_envs: int, *, autoreset: bool = True) -> None:
        if num_envs < 1:
            raise ValueError(f"num_envs must be >= 1, got {num_envs}")
        self.make_env = make_env
        self.envs = [make_env(i) for i in range(num_envs)]
        self.autoreset = autoreset
        self.restarts = 0
        self._executor = ThreadPoolExecutor(max_workers=num_envs, thread_name_prefix="env")
        self._last_reset: list[tuple[int | None, dict[str, Any] | None]] = [(None, None)] * num_envs

    def __len__(self) -> int:
        return len(self.envs)

    def reset(
        self, seeds: Sequence[int | None] | None = None, options: Sequence[dict[str, Any] | None] | None = None
    ) -> tuple[list[Any], list[dict[str, Any]]]:
        seeds = list(seeds) if seeds is not None else [None] * len(self)
        options = list(options) if options is not None else [None] * len(self)
        results = list(self._executor.map(self._reset_one, range(len(self)), seeds, options))
        return [r[0] for r in results], [r[1] for r in results]

    def reset_one(
        self, index: int, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[Any, dict[str, Any]]:
        return self._reset_one(index, seed, options)

    def step(
        self, actions: Sequence[Any]
    ) -> tuple[list[Any], list[float], list[bool], list[bool], list[dict[str, Any]]]:
        """Steps every environment whose action is not None; a None action leaves its environment as it
        is (an idle slot: nothing to run there) and reports ``(None, 0.0, False, False, {})`` for it."""
        if len(actions) != len(self):
            raise ValueError(f"got {len(actions)} actions for {len(self)} environments")
        results = list(self._executor.map(self._step_one, range(len(self)), actions))
        observations, rewards, terminated, truncated, infos = (list(column) for column in zip(*results, strict=True))
        return observations, rewards, terminated, truncated, infos

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        for env in self.envs:
            env.close()

    def __enter__(self) -> EnvPool:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # ----------------------------------------------------------------------------------------------
    def _reset_one(self, index: int, seed: int | None, options: dict[str, Any] | None) -> tuple[Any, dict[str, Any]]:
        self._last_reset[index] = (seed, options)
        try:
            return self.envs[index].reset(seed=seed, options=options)
        except EnvironmentDied:
            self._replace(index)
            return self.envs[index].reset(seed=seed, options=options)

    def _step_one(self, index: int, action: Any) -> StepResult:
        if action is None:
            return None, 0.0, False, False, {}
        try:
            observation, reward, terminated, truncated, info = self.envs[index].step(action)
        except EnvironmentDied as error:
            # The episode is lost: report it truncated with no reward, on a fresh environment.
            self._replace(index)
            seed, options = self._last_reset[index]
            observation, info = self.envs[index].reset(seed=seed, options=options)
            info = dict(info) | {"env_error": str(error), "success": False}
            return observation, 0.0, False, True, info
        if self.autoreset and (terminated or truncated):
            final_observation, final_info = observation, info
            observation, info = self.envs[index].reset()
            info = dict(info) | {"final_observation": final_observation, "final_info": final_info}
        return observation, float(reward), terminated, truncated, info

    def _replace(self, index: int) -> None:
        try:
            self.envs[index].close()
        except Exception:  # a dead backend may fail to close too; it is being replaced either way
            pass
        self.envs[index] = self.make_env(index)
        self.restarts += 1
