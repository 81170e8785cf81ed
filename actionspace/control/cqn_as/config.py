"""Configuration of CQN-AS (and of CQN, which is CQN-AS with sequence_length 1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from actionspace.control.envs import EnvConfig, require_continuous_actions
from actionspace.core.config import ConfigError
from actionspace.core.run import RunConfig


@dataclass(kw_only=True)
class CQNASConfig:
    run: RunConfig = field(default_factory=lambda: RunConfig(name="cqn_as", save_every=5000, log_every=250))
    """Output directory, seed, checkpointing (counted in vector-env steps) and logging."""
    env: EnvConfig = field(default_factory=lambda: EnvConfig(id="actionspace/SparseReacher-v0", num_envs=2))
    """The training envs (a sparse-reward task with a scripted expert for demonstrations)."""

    total_env_steps: int = 8_000
    """Env steps over all envs."""
    sequence_length: int = 4
    """K: length of the action sequence the critic scores (1 gives plain CQN)."""
    execution: Literal["ensemble", "chunk"] = "ensemble"
    """`ensemble`: re-plan every step and average the overlapping predictions for the current step
    (ACT's temporal ensembling); `chunk`: execute a whole sequence, then re-plan."""
    ensemble_decay: float = 0.01
    """Temporal-ensemble weight exp(-decay * age), oldest first as in ACT."""
    levels: int = 3
    """L: coarse-to-fine levels."""
    bins: int = 5
    """B: bins per level and dimension."""
    atoms: int = 51
    """C51 atoms."""
    v_min: float = -0.5
    """Lowest return on the C51 support."""
    v_max: float = 1.5
    """Highest return on the C51 support."""
    hidden_size: int = 64
    """Width of the critic's MLP and GRU (64 keeps an update near 40 ms on one CPU core)."""

    demo_episodes: int = 50
    """Successful expert episodes generated for the demonstration buffer (0: none)."""
    demo_fraction: float = 0.5
    """Share of each batch drawn from the demonstrations."""
    relabel_successes: bool = True
    """Add the agent's own successful episodes to the demonstration buffer (the reference code's relabeling)."""
    demo_capacity: int = 50_000
    """Transitions the demonstration buffer holds (expert demos plus relabeled successes)."""
    td_weight: float = 0.1
    """Weight of the distributional TD loss (the reference's critic_lambda)."""
    bc_lambda: float = 1.0
    """Weight of the demo margin and stochastic-dominance losses."""
    bc_margin: float = 0.1
    """Margin by which a demo bin's Q must beat the others."""
    fosd_weight: float = 0.0
    """Weight of the first-order stochastic-dominance demo loss inside bc_lambda. Off by default: here it
    drove every bin's return distribution to the same point mass, which zeroes the margin loss's
    gradient (softmax saturation); see docs/cqn_as.md."""

    batch_size: int = 128
    """Transitions per update (the paper's 256 halved for 2-core CPUs; see docs/cqn_as.md)."""
    learning_rate: float = 1e-3
    """AdamW step size (higher than the reference's 5e-5: small critic, few thousand updates)."""
    weight_decay: float = 0.1
    """AdamW weight decay."""
    gamma: float = 0.99
    """Discount."""
    n_step: int = 3
    """n of the n-step return."""
    target_tau: float = 0.02
    """Polyak rate of the target critic."""
    exploration_std: float = 0.01
    """Std of the Gaussian noise added to executed actions while training (in [-1, 1] action units)."""
    learning_starts: int = 500
    """Env steps before updates begin (demos make early updates useful, so this can be small)."""
    replay_capacity: int = 200_000
    """Transitions kept in the online replay buffer."""
    max_grad_norm: float = 10.0
    """Gradient-norm clip."""

    eval_every: int = 2_000
    """Evaluate every N env steps (0: only before and after training)."""
    eval_episodes: int = 20
    """Deterministic evaluation episodes."""

    def __post_init__(self) -> None:
        positive = ("total_env_steps", "sequence_length", "levels", "bins", "batch_size", "n_step", "eval_episodes")
        for name in positive:
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.bins < 2 or self.atoms < 2:
            raise ConfigError("bins and atoms must be >= 2")
        if not 0.0 <= self.demo_fraction < 1.0:
            raise ConfigError(f"demo_fraction must be in [0, 1), got {self.demo_fraction}")
        if self.demo_fraction > 0 and self.demo_episodes < 1:
            raise ConfigError("demo_fraction > 0 needs demo_episodes >= 1")
        if self.v_min >= self.v_max:
            raise ConfigError(f"v_min ({self.v_min}) must be below v_max ({self.v_max})")
        require_continuous_actions(self.env, "CQN-AS")
        if self.demo_episodes:
            from actionspace.control.demos import EXPERTS

            if self.env.id not in EXPERTS:
                raise ConfigError(
                    f"demo_episodes > 0 needs a scripted expert for {self.env.id}; experts exist for "
                    f"{', '.join(sorted(EXPERTS))} (or set demo_episodes=0 demo_fraction=0)"
                )

    @property
    def vector_steps(self) -> int:
        return self.total_env_steps // self.env.num_envs
