"""`EvalHistory`: evaluation results that must survive a resume (the before-training score of a table)."""

from __future__ import annotations

from typing import Any


class EvalHistory:
    """Register it with ``Run.register_for_checkpointing``: a resumed run then still knows the score it
    measured before training, which it cannot measure again once the weights have moved."""

    def __init__(self) -> None:
        self.before: dict[str, float] = {}

    def state_dict(self) -> dict[str, Any]:
        return {"before": dict(self.before)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.before = dict(state["before"])


class EnvStepCounter:
    """Environment steps taken so far, checkpointed with the run: learning curves are plotted against it,
    and a resumed run must continue the count rather than restart it."""

    def __init__(self) -> None:
        self.steps = 0

    def add(self, steps: int) -> int:
        self.steps += steps
        return self.steps

    def state_dict(self) -> dict[str, Any]:
        return {"steps": self.steps}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.steps = int(state["steps"])
