"""Vectorized gymnasium environments for the control trainers, and the checks made before training.

Every control trainer builds its envs through :func:`make_vector_env` from an :class:`EnvConfig`.
Envs autoreset in the *same* step (gymnasium's ``AutoresetMode.SAME_STEP``): the observation returned
for a finished env is already the next episode's first one, and the true last observation is in
``infos["final_obs"]``, which is what truncated episodes bootstrap from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

import gymnasium as gym
import numpy as np

import actionspace.envs.control  # noqa: F401  (registers our tasks with gymnasium)
from actionspace.core.config import ConfigError


@dataclass(kw_only=True)
class EnvConfig:
    id: str = "HalfCheetah-v5"
    """A gymnasium env id: MuJoCo tasks (`HalfCheetah-v5`, ...) or ours (`actionspace/MultiGoal-v0`, ...)."""
    num_envs: int = 8
    """Envs stepped together in one vector env."""
    vectorization: Literal["sync", "async"] = "sync"
    """`sync` steps envs in this process (best for fast MuJoCo tasks on few cores); `async` uses subprocesses."""
    max_episode_steps: int | None = None
    """Override the env's own time limit."""
    kwargs: dict[str, Any] = field(default_factory=dict)
    """Keyword arguments for `gymnasium.make`."""

    def __post_init__(self) -> None:
        if self.num_envs < 1:
            raise ConfigError(f"env.num_envs must be >= 1, got {self.num_envs}")
        if self.id not in gym.registry:
            raise ConfigError(f"env.id {self.id!r} is not a registered gymnasium env")


@cache
def _spaces(env_id: str, kwargs_items: tuple[tuple[str, Any], ...]) -> tuple[gym.Space, gym.Space]:
    env = gym.make(env_id, **dict(kwargs_items))
    spaces = (env.observation_space, env.action_space)
    env.close()
    return spaces


def env_spaces(config: EnvConfig) -> tuple[gym.Space, gym.Space]:
    """Observation and action space of one env (made once and cached)."""
    try:
        return _spaces(config.id, tuple(sorted(config.kwargs.items())))
    except TypeError as error:
        raise ConfigError(f"env.kwargs {config.kwargs} are not accepted by {config.id}: {error}") from error


def box_spaces(config: EnvConfig) -> tuple[gym.spaces.Box, gym.spaces.Box]:
    """Observation and action Box spaces of an env whose config has passed :func:`require_continuous_actions`."""
    observation_space, action_space = env_spaces(config)
    assert isinstance(observation_space, gym.spaces.Box) and isinstance(action_space, gym.spaces.Box)
    return observation_space, action_space


def require_continuous_actions(config: EnvConfig, method: str) -> gym.spaces.Box:
    """The env's Box action space, or a ConfigError naming the method and the space it got."""
    observation_space, action_space = env_spaces(config)
    if not isinstance(action_space, gym.spaces.Box) or len(action_space.shape) != 1:
        raise ConfigError(
            f"{method} needs a continuous 1-D Box action space, but {config.id} has {action_space}; "
            "pick a continuous-control env"
        )
    if not np.all(np.isfinite(action_space.low)) or not np.all(np.isfinite(action_space.high)):
        raise ConfigError(f"{method} needs a bounded action space, but {config.id} has {action_space}")
    if not isinstance(observation_space, gym.spaces.Box) or len(observation_space.shape) != 1:
        raise ConfigError(f"{method} needs a flat Box observation space, but {config.id} has {observation_space}")
    return action_space


def make_vector_env(config: EnvConfig, *, seed: int, num_envs: int | None = None) -> gym.vector.VectorEnv:
    """A vector env of ``config.id`` with same-step autoreset, seeded ``seed, seed + 1, ...``."""
    count = config.num_envs if num_envs is None else num_envs
    make_kwargs = dict(config.kwargs)
    if config.max_episode_steps is not None:
        make_kwargs["max_episode_steps"] = config.max_episode_steps

    def thunk() -> gym.Env:
        return gym.make(config.id, **make_kwargs)

    vector_class = gym.vector.SyncVectorEnv if config.vectorization == "sync" else gym.vector.AsyncVectorEnv
    envs = vector_class([thunk] * count, autoreset_mode=gym.vector.AutoresetMode.SAME_STEP)
    envs.reset(seed=seed)
    return envs


class NonFiniteObservation(RuntimeError):
    """An env returned NaN or infinite observations; the message names the env indices."""


def check_finite(observations: np.ndarray, *, where: str) -> None:
    """Raises :class:`NonFiniteObservation` naming each env whose observation has a NaN or inf."""
    bad = ~np.isfinite(observations).reshape(len(observations), -1).all(axis=1)
    if bad.any():
        indices = np.flatnonzero(bad).tolist()
        raise NonFiniteObservation(
            f"non-finite {where} from env index {indices} (of {len(observations)}): "
            f"{observations[indices[0]].tolist()}; the env is broken or diverged, stopping before it reaches the update"
        )


def final_observations(next_obs: np.ndarray, dones: np.ndarray, infos: dict[str, Any]) -> np.ndarray:
    """The true successor observation of every env: ``final_obs`` where an episode just ended."""
    real = next_obs.copy()
    if dones.any():
        for index in np.flatnonzero(dones):
            real[index] = infos["final_obs"][index]
    return real


def final_info(infos: dict[str, Any], index: int, key: str, default: Any = None) -> Any:
    """``key`` of env ``index``'s last step of an episode that just ended (same-step autoreset)."""
    final = infos.get("final_info", {})
    if key in final and final.get(f"_{key}", np.ones(index + 1, bool))[index]:
        return final[key][index]
    return default
