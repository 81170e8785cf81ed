"""Evaluating a policy on GUI tasks: episodes per template, run concurrently, summarised per template."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import gymnasium as gym

from actionspace.core.stats import wilson_interval
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


def run_episodes(
    make_env: Callable[[int], gym.Env], policy: GUIPolicy, jobs: Sequence[tuple[str, int]], *, num_envs: int = 8
) -> list[Episode]:
    """Runs each ``(template, seed)`` job to the end of its episode, ``num_envs`` at a time.

    A slot whose episode ends takes the next job; slots with nothing left idle on a harmless ``wait``.
    """
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
            actions = policy.act(observations)
            actions = [a if current[s] is not None else {"action_type": "wait"} for s, a in enumerate(actions)]
            observations, _, terminated, truncated, infos = pool.step(actions)
            for slot, job in enumerate(current):
                if job is None:
                    continue
                counts[slot][0] += 1
                counts[slot][1] += bool(infos[slot].get("invalid_action"))
                if terminated[slot] or truncated[slot]:
                    episodes.append(
                        Episode(
                            job[0],
                            job[1],
                            bool(infos[slot]["success"]),
                            counts[slot][0],
                            counts[slot][1],
                            infos[slot].get("env_error"),
                        )
                    )
                    start(slot)
    return episodes


def summarise(episodes: Sequence[Episode]) -> dict[str, dict[str, float]]:
    """Per template and overall: success rate with a 95% Wilson interval, mean steps, invalid-action rate."""
    groups: dict[str, list[Episode]] = defaultdict(list)
    for episode in episodes:
        groups[episode.template].append(episode)
    rows = {name: _row(group) for name, group in sorted(groups.items())}
    if episodes:
        rows["all"] = _row(list(episodes))
    return rows


def _row(group: Sequence[Episode]) -> dict[str, float]:
    successes = sum(e.success for e in group)
    low, high = wilson_interval(successes, len(group))
    steps = sum(e.steps for e in group)
    return {
        "success": successes / len(group),
        "success_low": low,
        "success_high": high,
        "mean_steps": steps / len(group),
        "invalid_rate": sum(e.invalid_actions for e in group) / max(steps, 1),
        "episodes": float(len(group)),
    }


def episodes_to_json(episodes: Sequence[Episode]) -> list[dict[str, Any]]:
    return [asdict(e) for e in episodes]
