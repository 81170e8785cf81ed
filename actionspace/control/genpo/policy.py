"""GenPO's actor: the coupled flow as a policy with exact log-likelihoods (see flow.py)."""

from __future__ import annotations

import torch
from torch import nn

from actionspace.control.genpo.flow import CoupledFlow
from actionspace.control.networks import ActionBounds


class FlowActor(nn.Module):
    def __init__(
        self,
        obs_dim: int,
        action_dim: int,
        bounds: ActionBounds,
        *,
        steps: int,
        mix: float,
        hidden: list[int],
        noise_scale: float,
        compression_coef: float,
    ) -> None:
        super().__init__()
        self.flow = CoupledFlow(obs_dim, action_dim, steps=steps, mix=mix, hidden=hidden)
        self.bounds = bounds
        self.action_dim = action_dim
        self.stored_action_dim = 2 * action_dim  # PPO stores the doubled action: its density is exact
        self.noise_scale = noise_scale
        self.compression_coef = compression_coef

    def env_action(self, doubled: torch.Tensor) -> torch.Tensor:
        x, y = doubled.split(self.action_dim, dim=-1)
        return self.bounds(0.5 * (x + y))

    def _noise(self, observations: torch.Tensor) -> torch.Tensor:
        return self.noise_scale * torch.randn(*observations.shape[:-1], 2 * self.action_dim, device=observations.device)

    def log_prob(self, observations: torch.Tensor, doubled: torch.Tensor) -> torch.Tensor:
        return self.flow.log_prob(observations, doubled, noise_std=self.noise_scale)

    def sample(self, observations: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        doubled = self.flow(observations, self._noise(observations))
        return doubled, self.env_action(doubled), self.log_prob(observations, doubled)

    def log_prob_and_entropy(
        self, observations: torch.Tensor, doubled: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        log_prob = self.log_prob(observations, doubled)
        # A one-sample entropy estimate from the stored (on-policy) actions, as GenPO does.
        return log_prob, -log_prob

    def deterministic(self, observations: torch.Tensor) -> torch.Tensor:
        """The action from zero noise: the flow's image of the base distribution's mode."""
        zero = torch.zeros(*observations.shape[:-1], 2 * self.action_dim, device=observations.device)
        return self.env_action(self.flow(observations, zero))

    def auxiliary_losses(self, observations: torch.Tensor) -> dict[str, tuple[float, torch.Tensor]]:
        """GenPO's compression loss: mean ||x_N - y_N|| on fresh samples, so the two copies stay together."""
        x, y = self.flow(observations, self._noise(observations)).split(self.action_dim, dim=-1)
        return {"compression_loss": (self.compression_coef, (x - y).norm(dim=-1).mean())}
