"""What every policy-gradient trainer of LLM agents does the same way: apply one minibatch's loss (or
skip it, reported and counted, when it is not finite), average the diagnostics of an iteration, and
export the policy."""

from __future__ import annotations

from typing import Any

import torch

from actionspace.core.losses import LossOutput
from actionspace.core.run import Run


class IterationUpdates:
    """Applies minibatch losses for one iteration and keeps the sums of their diagnostics.

    Args:
        run: the run (accelerator backward, gradient clipping, finiteness check across processes).
        module: the prepared policy whose gradients are clipped.
        optimizer: the prepared optimizer.
        max_grad_norm: gradient clipping norm (0: off).
        iteration: named in the warning for a skipped minibatch.
    """

    def __init__(
        self, run: Run, module: torch.nn.Module, optimizer: Any, *, max_grad_norm: float, iteration: int
    ) -> None:
        self.run, self.module, self.optimizer = run, module, optimizer
        self.max_grad_norm, self.iteration = max_grad_norm, iteration
        self.totals: dict[str, float] = {}
        self.updates = 0
        self.skipped = 0

    def apply(self, output: LossOutput) -> bool:
        """Backpropagates and steps; a non-finite loss is reported and its minibatch skipped (returns False)."""
        if not self.run.finite_everywhere(output.loss):
            self.run.print(f"warning: non-finite loss in iteration {self.iteration}; skipping the minibatch")
            self.optimizer.zero_grad(set_to_none=True)
            self.skipped += 1
            return False
        self.run.accelerator.backward(output.loss)
        if self.max_grad_norm > 0:
            self.run.accelerator.clip_grad_norm_(self.module.parameters(), self.max_grad_norm)
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.updates += 1
        for name, value in {"loss": output.loss.detach(), **output.diagnostics}.items():
            self.totals[f"train/{name}"] = self.totals.get(f"train/{name}", 0.0) + float(value)
        return True

    def metrics(self) -> dict[str, float]:
        """Diagnostics averaged over the applied minibatches, with the update and skip counts."""
        averages = {name: total / max(self.updates, 1) for name, total in self.totals.items()}
        return averages | {"train/updates": float(self.updates), "train/skipped_nonfinite": float(self.skipped)}


def export_policy(run: Run, policy: Any, *, with_value_head: bool) -> None:
    """The language model (LoRA merged) and tokenizer to ``<run dir>/model``, and the value head beside
    them as ``value_head.pt`` when the method trains one (main process; the others wait)."""
    if run.is_main:
        learner: Any = run.unwrap(policy)
        target = run.output_dir / "model"
        model = learner.model.merge_and_unload() if hasattr(learner.model, "merge_and_unload") else learner.model
        model.save_pretrained(target)
        learner.tokenizer.save_pretrained(target)
        if with_value_head:
            torch.save(learner.value_head.state_dict(), target / "value_head.pt")
    run.accelerator.wait_for_everyone()
