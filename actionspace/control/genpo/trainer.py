"""GenPO: the on-policy trainer with the coupled-flow actor (exact likelihood, compression loss)."""

from __future__ import annotations

import torch

from actionspace.control.genpo.config import GenPOConfig
from actionspace.control.genpo.policy import FlowActor
from actionspace.control.networks import ActionBounds
from actionspace.control.ppo.trainer import OnPolicyTrainer
from actionspace.core.registry import TRAINERS


@TRAINERS.register("genpo")
class GenPOTrainer(OnPolicyTrainer):
    config_class = GenPOConfig

    @classmethod
    def build_actor(cls, config: GenPOConfig, obs_dim: int, bounds: ActionBounds) -> torch.nn.Module:  # type: ignore[override]
        return FlowActor(
            obs_dim,
            int(bounds.low.numel()),
            bounds,
            steps=config.flow_steps,
            mix=config.mix,
            hidden=config.flow_hidden_sizes,
            noise_scale=config.noise_scale,
            compression_coef=config.compression_coef,
        )
