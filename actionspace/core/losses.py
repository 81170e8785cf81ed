"""What every loss function returns: the loss to optimise plus detached diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch


@dataclass
class LossOutput:
    loss: torch.Tensor
    """Scalar to backpropagate."""
    diagnostics: dict[str, torch.Tensor] = field(default_factory=dict)
    """Detached scalars worth logging (accuracies, clip fractions, KL estimates), keyed by metric name."""
