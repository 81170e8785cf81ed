"""Configuration of GenPO: PPO's settings plus the flow policy's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from actionspace.control.ppo.config import PPOConfig
from actionspace.core.config import ConfigError
from actionspace.core.run import RunConfig


@dataclass(kw_only=True)
class GenPOConfig(PPOConfig):
    run: RunConfig = field(default_factory=lambda: RunConfig(name="genpo", save_every=10, log_every=1))
    """Output directory, seed, checkpointing (counted in iterations) and logging."""
    flow_steps: int = 5
    """N: coupled flow steps (the paper's 5)."""
    mix: float = 0.95
    """p: mixing coefficient of the coupled updates (the paper's 0.95); log-det = 2 d N log p."""
    flow_hidden_sizes: list[int] = field(default_factory=lambda: [64, 64])
    """Hidden widths of the velocity network."""
    noise_scale: float = 1.0
    """Std of the doubled Gaussian noise the flow starts from."""
    compression_coef: float = 0.01
    """Weight of the compression loss ||x - y|| (the paper's 0.01)."""
    lr_schedule: Literal["linear", "constant", "adaptive_kl"] = "adaptive_kl"
    """GenPO adapts the step size to the KL (target 0.01) by default."""

    method_name = "GenPO"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.flow_steps < 1:
            raise ConfigError(f"flow_steps must be >= 1, got {self.flow_steps}")
        if not 0.5 < self.mix < 1.0:
            raise ConfigError(f"mix must be in (0.5, 1) so that the coupled map inverts stably, got {self.mix}")
        if self.noise_scale <= 0:
            raise ConfigError(f"noise_scale must be > 0, got {self.noise_scale}")
