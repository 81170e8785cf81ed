"""A check both trainers' sampled evaluations share."""

from __future__ import annotations

from typing import Any

import torch


def evaluate_twice_from_another_stream(trainer: Any) -> dict[str, float]:
    """Evaluates ``trainer`` twice, the second time after training-like draws moved torch's stream on; asserts
    both give the same metrics and that evaluating left the stream where it was. Returns the metrics."""
    first = trainer.evaluate()
    torch.rand(7)  # training moves the stream on
    state = torch.get_rng_state()
    assert trainer.evaluate() == first
    assert torch.equal(torch.get_rng_state(), state)
    return first
