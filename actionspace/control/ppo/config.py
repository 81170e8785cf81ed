"""Configuration of the Gaussian PPO reference (CleanRL's MuJoCo defaults, vectorized)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from actionspace.control.envs import EnvConfig, require_continuous_actions
from actionspace.core.config import ConfigError
from actionspace.core.run import RunConfig


@dataclass(kw_only=True)
class PPOConfig:
    run: RunConfig = field(default_factory=lambda: RunConfig(name="ppo", save_every=10, log_every=1))
    """Output directory, seed, checkpointing (counted in iterations) and logging."""
    env: EnvConfig = field(default_factory=EnvConfig)
    """The vectorized training envs."""

    total_env_steps: int = 200_000
    """Env steps over all envs; iterations = total_env_steps / (rollout_steps * env.num_envs)."""
    rollout_steps: int = 256
    """Steps per env per iteration."""
    update_epochs: int = 10
    """Passes over each rollout."""
    minibatches: int = 32
    """Minibatches per epoch."""
    learning_rate: float = 3e-4
    """Adam step size (the start value for `adaptive_kl`)."""
    lr_schedule: Literal["linear", "constant", "adaptive_kl"] = "linear"
    """`linear` anneals to 0 (CleanRL), `adaptive_kl` moves the step size to keep the KL near `target_kl`."""
    target_kl: float = 0.01
    """KL target of the `adaptive_kl` schedule."""
    gamma: float = 0.99
    """Discount."""
    gae_lambda: float = 0.95
    """GAE lambda."""
    clip: float = 0.2
    """PPO ratio clip (and value clip)."""
    clip_value: bool = True
    """Clip the value update as PPO2 does."""
    value_coef: float = 0.5
    """Value loss weight."""
    entropy_coef: float = 0.0
    """Entropy bonus weight."""
    max_grad_norm: float = 0.5
    """Global gradient-norm clip."""
    normalize_advantages: bool = True
    """Standardise advantages per minibatch."""
    normalize_observations: bool = True
    """Running observation normalisation."""
    normalize_rewards: bool = True
    """Scale rewards by the running std of the discounted return."""
    hidden_sizes: list[int] = field(default_factory=lambda: [64, 64])
    """Hidden layer widths of actor and critic."""
    init_log_std: float = 0.0
    """Initial log standard deviation of the Gaussian."""

    eval_every: int = 0
    """Evaluate every N iterations (0: only before and after training)."""
    eval_episodes: int = 10
    """Deterministic evaluation episodes."""

    method_name = "PPO"

    def __post_init__(self) -> None:
        for name in ("total_env_steps", "rollout_steps", "update_epochs", "minibatches", "eval_episodes"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.batch_size % self.minibatches:
            raise ConfigError(
                f"rollout_steps * env.num_envs ({self.batch_size}) must divide into {self.minibatches} minibatches"
            )
        if self.iterations < 1:
            raise ConfigError(f"total_env_steps ({self.total_env_steps}) is less than one rollout ({self.batch_size})")
        if not 0.0 < self.gamma <= 1.0 or not 0.0 <= self.gae_lambda <= 1.0:
            raise ConfigError("gamma must be in (0, 1] and gae_lambda in [0, 1]")
        require_continuous_actions(self.env, self.method_name)

    @property
    def batch_size(self) -> int:
        return self.rollout_steps * self.env.num_envs

    @property
    def iterations(self) -> int:
        return self.total_env_steps // self.batch_size
