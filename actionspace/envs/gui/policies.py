"""Reference policies for GUI environments: the oracle (demonstrations) and uniform random actions.

A policy sees a batch of observations, one per environment slot, and is told when a slot starts a new
episode (the oracle needs the episode's task; an LLM policy does not). An idle slot (no episode left to
run there) is ``None`` in the batch: the policy returns ``None`` for it and spends nothing on it.
"""

from __future__ import annotations

from typing import Any, Protocol

import gymnasium as gym

from actionspace.envs.gui.schema import JSONAction


class GUIPolicy(Protocol):
    def begin_episode(self, slot: int, env: gym.Env) -> None:
        """Called after ``env`` (in slot ``slot``) was reset for a new episode."""
        ...

    def act(self, observations: list[dict[str, Any] | None]) -> list[Any]:
        """One action (a JSONAction or model text) per observation, in slot order; None for an idle slot."""
        ...


class OraclePolicy:
    """Follows each episode's task plan from the UI (simphone tasks carry one)."""

    def __init__(self) -> None:
        self._oracles: dict[int, Any] = {}

    def begin_episode(self, slot: int, env: gym.Env) -> None:
        from actionspace.envs.gui.simphone.oracle import Oracle

        task = getattr(env.unwrapped, "task", None)
        if task is None or not hasattr(task, "oracle_plan"):
            raise TypeError(f"the oracle needs an environment whose tasks have a plan; {type(env).__name__} has none")
        self._oracles[slot] = Oracle(task.oracle_plan())

    def act(self, observations: list[dict[str, Any] | None]) -> list[Any]:
        return [
            self._oracles[slot].act(observation) if observation is not None else None
            for slot, observation in enumerate(observations)
        ]


class RandomPolicy:
    """A uniformly random action type with random arguments (the env's action-space sample)."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._spaces: dict[int, Any] = {}

    def begin_episode(self, slot: int, env: gym.Env) -> None:
        if slot not in self._spaces:
            space = env.action_space
            space.seed(self.seed + slot)
            self._spaces[slot] = space

    def act(self, observations: list[dict[str, Any] | None]) -> list[JSONAction | None]:
        return [self._spaces[slot].sample() if o is not None else None for slot, o in enumerate(observations)]
