"""Successful Transition Replay (STR): per task, the most recent transitions of successful episodes.

SoLS (arXiv 2509.01720) mixes these into every update with their stored behaviour log-probabilities, so
rare successes on hard tasks keep teaching the policy after the policy has drifted away from them.
"""

from __future__ import annotations

import random
from collections import OrderedDict, deque
from collections.abc import Sequence
from typing import Any

from actionspace.agents.transition import Transition


class SuccessfulTransitionReplay:
    """Args:
    capacity_per_task: transitions kept per task (the paper keeps 50); older ones are dropped first.
    """

    def __init__(self, capacity_per_task: int = 50) -> None:
        if capacity_per_task < 1:
            raise ValueError(f"capacity_per_task must be >= 1, got {capacity_per_task}")
        self.capacity_per_task = capacity_per_task
        self._by_task: OrderedDict[str, deque[Transition]] = OrderedDict()

    def add_episode(self, transitions: Sequence[Transition]) -> int:
        """Stores the episode's transitions if it succeeded; returns how many were stored."""
        if not transitions or not transitions[-1].success:
            return 0
        for transition in transitions:
            buffer = self._by_task.setdefault(transition.task_id, deque(maxlen=self.capacity_per_task))
            buffer.append(transition)
        return len(transitions)

    def sample(self, count: int, rng: random.Random, *, per_task: bool = False) -> list[Transition]:
        """``count`` transitions drawn with replacement; [] if empty.

        By default uniformly over everything stored, so a task contributes in proportion to its stored
        successes. ``per_task``: a task uniformly, then one of its transitions, so a task solved once is
        replayed as often as one solved every episode (each task's buffer is already capped at capacity).
        """
        buffers = [list(buffer) for buffer in self._by_task.values() if buffer]
        if not buffers:
            return []
        if per_task:
            return [rng.choice(rng.choice(buffers)) for _ in range(count)]
        stored = [t for buffer in buffers for t in buffer]
        return [rng.choice(stored) for _ in range(count)]

    def task(self, task_id: str) -> list[Transition]:
        return list(self._by_task.get(task_id, ()))

    def __len__(self) -> int:
        return sum(len(buffer) for buffer in self._by_task.values())

    # Checkpointing through Run.register_for_checkpointing ------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        return {
            "capacity_per_task": self.capacity_per_task,
            "tasks": {task: [t.to_dict() for t in buffer] for task, buffer in self._by_task.items()},
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.capacity_per_task = state["capacity_per_task"]
        self._by_task = OrderedDict(
            (task, deque((Transition.from_dict(t) for t in items), maxlen=self.capacity_per_task))
            for task, items in state["tasks"].items()
        )
