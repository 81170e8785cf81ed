"""Evaluating a policy on GUI tasks: episodes per template (run by `envs.episodes`), summarised per template."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from actionspace.core.stats import wilson_interval
from actionspace.envs.episodes import Episode, run_episodes

__all__ = ["Episode", "episodes_to_json", "run_episodes", "summarise"]


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
