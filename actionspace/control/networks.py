"""Small MLP building blocks and the Gaussian actor / critic of the PPO reference."""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn


def mlp(sizes: list[int], *, activation: type[nn.Module] = nn.Tanh, output_gain: float = 1.0) -> nn.Sequential:
    """Linear layers with ``activation`` between them, orthogonally initialised as CleanRL's PPO does."""
    layers: list[nn.Module] = []
    for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        last = index == len(sizes) - 2
        linear = nn.Linear(fan_in, fan_out)
        nn.init.orthogonal_(linear.weight, output_gain if last else math.sqrt(2))
        nn.init.zeros_(linear.bias)
        layers.append(linear)
        if not last:
            layers.append(activation())
    return nn.Sequential(*layers)


class Critic(nn.Module):
    def __init__(self, obs_dim: int, hidden: list[int]) -> None:
        super().__init__()
        self.net = mlp([obs_dim, *hidden, 1], output_gain=1.0)

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return self.net(observations).squeeze(-1)


class ActionBounds(nn.Module):
    """Clips actions to the env's Box (CleanRL's ClipAction): the stored action keeps the raw sample."""

    low: torch.Tensor
    high: torch.Tensor

    def __init__(self, low: np.ndarray, high: np.ndarray) -> None:
        super().__init__()
        self.register_buffer("low", torch.as_tensor(low, dtype=torch.float32))
        self.register_buffer("high", torch.as_tensor(high, dtype=torch.float32))

    def forward(self, actions: torch.Tensor) -> torch.Tensor:
        return torch.maximum(torch.minimum(actions, self.high), self.low)


class GaussianActor(nn.Module):
    """A diagonal Gaussian with a state-independent log-std: the unimodal reference policy."""

    def __init__(
        self, obs_dim: int, action_dim: int, hidden: list[int], bounds: ActionBounds, init_log_std: float = 0.0
    ):
        super().__init__()
        self.mean = mlp([obs_dim, *hidden, action_dim], output_gain=0.01)
        self.log_std = nn.Parameter(torch.full((action_dim,), init_log_std))
        self.bounds = bounds
        self.stored_action_dim = action_dim

    def distribution(self, observations: torch.Tensor) -> torch.distributions.Normal:
        return torch.distributions.Normal(self.mean(observations), self.log_std.exp())

    def sample(self, observations: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(stored action, env action, log-prob)."""
        dist = self.distribution(observations)
        action = dist.sample()
        return action, self.bounds(action), dist.log_prob(action).sum(-1)

    def log_prob_and_entropy(
        self, observations: torch.Tensor, actions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        dist = self.distribution(observations)
        return dist.log_prob(actions).sum(-1), dist.entropy().sum(-1)

    def deterministic(self, observations: torch.Tensor) -> torch.Tensor:
        return self.bounds(self.mean(observations))

    def auxiliary_losses(self, observations: torch.Tensor) -> dict[str, torch.Tensor]:
        return {}
