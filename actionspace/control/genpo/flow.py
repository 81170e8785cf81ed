"""GenPO's invertible policy: an EDICT-style coupled flow on a doubled action (x, y).

Starting from Gaussian noise (x_0, y_0) in R^{2d}, each of N steps (i = 0..N-1, t = i/N, h = 1/N) does

    x' = x + h * v(y, s, t)          (a shear: determinant 1)
    y' = y + h * v(x', s, t)         (a shear: determinant 1)
    x  = p * x' + (1 - p) * y'       (determinant p^d)
    y  = p * y' + (1 - p) * x        (determinant p^d)

so every step is exactly invertible in closed form, and the Jacobian determinant of the whole map is
the constant p^{2dN}. The policy's density of a doubled action a = (x_N, y_N) is therefore exact:

    log pi(a | s) = log N(f^{-1}(a); 0, I) - 2 d N log p

with no Jacobian computed. The env receives 0.5 (x_N + y_N); a compression loss keeps x and y together.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from actionspace.control.networks import mlp


class TimeEmbedding(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        half = self.dim // 2
        frequencies = torch.exp(
            -math.log(10_000.0) * torch.arange(half, device=t.device, dtype=t.dtype) / max(half - 1, 1)
        )
        angles = t[..., None] * 100.0 * frequencies
        return torch.cat([angles.sin(), angles.cos()], dim=-1)


class CoupledFlow(nn.Module):
    def __init__(
        self,
        obs_dim: int,
        action_dim: int,
        *,
        steps: int = 5,
        mix: float = 0.95,
        hidden: list[int] | None = None,
        time_dim: int = 16,
    ) -> None:
        super().__init__()
        if not 0.5 < mix < 1.0:
            raise ValueError(f"the mixing coefficient p must be in (0.5, 1) for a stable inverse, got {mix}")
        self.action_dim = action_dim
        self.steps = steps
        self.mix = mix
        self.time = TimeEmbedding(time_dim)
        self.velocity = mlp([action_dim + obs_dim + time_dim, *(hidden or [64, 64]), action_dim], output_gain=0.01)

    @property
    def log_det(self) -> float:
        """log |det d f / d (x_0, y_0)| = 2 d N log p, the same for every input."""
        return 2 * self.action_dim * self.steps * math.log(self.mix)

    def _v(self, z: torch.Tensor, observations: torch.Tensor, i: int) -> torch.Tensor:
        t = torch.full(z.shape[:-1], i / self.steps, device=z.device, dtype=z.dtype)
        return self.velocity(torch.cat([z, observations, self.time(t)], dim=-1))

    def forward(self, observations: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """Doubled action (x_N, y_N) from doubled noise (x_0, y_0); both [..., 2d]."""
        x, y = noise.split(self.action_dim, dim=-1)
        h, p = 1.0 / self.steps, self.mix
        for i in range(self.steps):
            x_inter = x + h * self._v(y, observations, i)
            y_inter = y + h * self._v(x_inter, observations, i)
            x = p * x_inter + (1 - p) * y_inter
            y = p * y_inter + (1 - p) * x
        return torch.cat([x, y], dim=-1)

    def inverse(self, observations: torch.Tensor, doubled_action: torch.Tensor) -> torch.Tensor:
        """The noise that ``forward`` maps to ``doubled_action``: each step undone in reverse order."""
        x, y = doubled_action.split(self.action_dim, dim=-1)
        h, p = 1.0 / self.steps, self.mix
        for i in reversed(range(self.steps)):
            y_inter = (y - (1 - p) * x) / p
            x_inter = (x - (1 - p) * y_inter) / p
            y = y_inter - h * self._v(x_inter, observations, i)
            x = x_inter - h * self._v(y, observations, i)
        return torch.cat([x, y], dim=-1)

    def log_prob(
        self, observations: torch.Tensor, doubled_action: torch.Tensor, *, noise_std: float = 1.0
    ) -> torch.Tensor:
        """Exact log-density of ``doubled_action`` when the noise is N(0, noise_std^2 I)."""
        return gaussian_log_prob(self.inverse(observations, doubled_action), noise_std) - self.log_det


def gaussian_log_prob(z: torch.Tensor, std: float) -> torch.Tensor:
    """log N(z; 0, std^2 I), summed over the last dimension."""
    return -0.5 * ((z / std) ** 2).sum(-1) - z.shape[-1] * (0.5 * math.log(2 * math.pi) + math.log(std))
