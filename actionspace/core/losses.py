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


def clipped_surrogate(ratio: torch.Tensor, advantages: torch.Tensor, clip_eps: float) -> torch.Tensor:
    """PPO's per-sample objective, to be maximised: min(rho A, clip(rho, 1 - eps, 1 + eps) A).

    Its gradient at rho = 1 is the policy gradient A grad log pi; a sample whose ratio has left [1 - eps, 1 + eps]
    in its advantage's direction stops pulling, which bounds how far one batch of data moves the policy.
    """
    return torch.minimum(ratio * advantages, ratio.clamp(1.0 - clip_eps, 1.0 + clip_eps) * advantages)
