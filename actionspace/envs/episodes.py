"""Running episodes of many tasks concurrently: the scheduling loop shared by evaluation and rollouts.

Each ``(template, seed)`` job is one episode. ``num_envs`` environments run at once in an
:class:`EnvPool`; a slot whose episode ends takes the next job. A slot with nothing left idles: the
policy is handed ``None`` for it (a model generates nothing there) and its environment is not stepped,
so a finished game never calls its counterpart again and its transcript stops growing. ``on_step`` sees
every step (trainers record transitions from it; evaluation needs only the finished episodes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import gymnasium as gym

from actionspace.envs.gui.policies import GUIPolicy
from actionspace.envs.pool import EnvPool


@dataclass
class Episode:
    template: str
    seed: int
    success: bool
    steps: int
    invalid_actions: int
    env_error: str | None = None


@dataclass
class StepRecord:
    """What happened in one slot at one step: the observation acted on, the action, and the outcome."""

    slot: int
    template: str
    seed: int
    step: int
    observation: dict[str, Any]
    action: Any
    reward: float
    terminated: bool
    truncated: bool
    info: dict[str, Any]


def run_episodes(
    make_env: Callable[[int], gym.Env],
    policy: GUIPolicy,
    jobs: Sequence[tuple[str, int]],
    *,
    num_envs: int = 8,
    on_step: Callable[[StepRecord], None] | None = None,
) -> list[Episode]:
    """Runs each ``(template, seed)`` job to the end of its episode, ``num_envs`` at a time."""
    queue = list(jobs)
    num_envs = max(1, min(num_envs, len(queue)))
    episodes: list[Episode] = []
    with EnvPool(make_env, num_envs, autoreset=False) as pool:
        current: list[tuple[str, int] | None] = [None] * num_envs
        counts = [[0, 0] for _ in range(num_envs)]  # steps, invalid actions
        observations: list[Any] = [None] * num_envs

        def start(slot: int) -> None:
            if not queue:
                current[slot] = None
                return
            template, seed = queue.pop(0)
            observations[slot], _ = pool.reset_one(slot, seed=seed, options={"task": template})
            policy.begin_episode(slot, pool.envs[slot])
            current[slot], counts[slot] = (template, seed), [0, 0]

        for slot in range(num_envs):
            start(slot)
        while any(job is not None for job in current):
            acted_on: list[Any] = [o if job is not None else None for o, job in zip(observations, current, strict=True)]
            actions = policy.act(acted_on)
            # The loop decides which slots step, whatever a policy returns for an idle one.
            actions = [a if job is not None else None for a, job in zip(actions, current, strict=True)]
            observations, rewards, terminated, truncated, infos = pool.step(actions)
            for slot, job in enumerate(current):
                if job is None:
                    continue
                counts[slot][0] += 1
                counts[slot][1] += bool(infos[slot].get("invalid_action"))
                done = terminated[slot] or truncated[slot]
                if on_step is not None:
                    on_step(
                        StepRecord(
                            slot,
                            job[0],
                            job[1],
                            counts[slot][0] - 1,
                            acted_on[slot],
                            actions[slot],
                            rewards[slot],
                            terminated[slot],
                            truncated[slot],
                            infos[slot],
                        )
                    )
                if done:
                    info = infos[slot]
                    episodes.append(
                        Episode(
                            job[0],
                            job[1],
                            bool(info["success"]),
                            counts[slot][0],
                            counts[slot][1],
                            info.get("env_error"),
                        )
                    )
                    start(slot)
    return episodes
