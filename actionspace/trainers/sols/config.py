"""Configuration of SoLS (+ STR) and of the baselines that share its data path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from actionspace.core.config import ConfigError
from actionspace.core.models import ModelConfig
from actionspace.core.run import RunConfig
from actionspace.envs.gui.config import GUIEnvConfig
from actionspace.serving.engine import EngineConfig


@dataclass(kw_only=True)
class SoLSConfig:
    run: RunConfig = field(default_factory=lambda: RunConfig(name="sols", save_every=5, log_every=1))
    """Output directory, seed, checkpointing and logging (a step is one collect-and-update iteration)."""
    model: ModelConfig = field(default_factory=ModelConfig)
    """The policy: typically the SFT model (`model.path=runs/sft.../model`), optionally with LoRA."""
    env: GUIEnvConfig = field(default_factory=lambda: GUIEnvConfig(split="train"))
    """Where experience is collected: simphone by default, a real emulator with name=android."""
    eval_env: GUIEnvConfig = field(default_factory=lambda: GUIEnvConfig(split="test"))
    """Where the policy is evaluated (greedy, or at ``eval_temperature``)."""

    engine: EngineConfig = field(default_factory=EngineConfig)
    """What generates rollouts and evaluations: HF generate on the learner, or vLLM kept in sync with it."""

    # Algorithm (arXiv 2509.01720)
    loss: Literal["sols", "ppo", "a2c", "filtered"] = "sols"
    """sols: SoLS; ppo, a2c, filtered (DigiRL-like): the paper's baselines on the same data path."""
    use_str: bool = True
    """Mix Successful Transition Replay samples into every update."""
    str_capacity_per_task: int = 50
    """Successful transitions kept per task (the paper: 50)."""
    str_samples: int = 16
    """Replayed transitions added to each iteration's batch (the paper: 50 beside 100 on-policy)."""
    str_sampling: Literal["transition", "task"] = "transition"
    """transition: uniformly over all stored transitions; task: a task uniformly, then one of its
    transitions, so rarely solved tasks are replayed as often as easy ones."""
    clip_eps: float = 0.2
    """SoLS: negative-advantage samples count only when |rho - 1| <= clip_eps; PPO: the clip range."""
    positive_ratio_cap: float = 0.0
    """SoLS only: a positive-advantage sample's weight min(rho, cap) instead of rho (0: off, the paper). Replayed
    successes can reach rho in the millions against their stored log-probs (docs/sols.md)."""
    value_coef: float = 0.5
    """Weight of the critic's MSE (the paper: 0.5)."""
    kl_coef: float = 0.0
    """Weight of KL(pi || pi_start) on the sampled action tokens (0: the paper's loss). A small model
    fully fine-tuned needs it: without it, failed episodes' pushes erode the JSON format (docs/sols.md)."""

    # Rollouts
    iterations: int = 20
    """Collect-then-update iterations."""
    episodes_per_iteration: int = 16
    """On-policy episodes per iteration."""
    num_envs: int = 8
    """Environments stepped concurrently."""
    temperature: float = 1.0
    """Sampling temperature of rollouts."""
    max_new_tokens: int = 48
    """Longest action in tokens."""

    # Optimisation
    learning_rate: float = 1e-5
    """AdamW learning rate of the language model (the paper: 1e-5 with LoRA on an 8B model)."""
    value_head_learning_rate: float = 1e-3
    """AdamW learning rate of the value head, a fresh linear layer: at the LM's rate it barely moves in a
    run, so V stays near 0.5 and every step of a failed episode, good or bad, gets A = -0.5."""
    minibatch_size: int = 16
    """Transitions per gradient step (the paper: 64)."""
    epochs: int = 1
    """Passes over each iteration's batch."""
    max_grad_norm: float = 1.0
    """Gradient clipping norm (0: off)."""

    # Evaluation
    eval_every: int = 5
    """Evaluate every N iterations (and before the first and after the last)."""
    eval_episodes_per_template: int = 2
    """Evaluation episodes per test template."""
    eval_temperature: float = 0.0
    """0: greedy evaluation (the paper's table). Above 0, sampled: a policy's success probability, which
    moves with every update, where greedy success moves a template at a time. Sampling draws from a seed fixed
    by ``run.seed`` (HF engine), so every policy of that seed meets the same draws."""

    def __post_init__(self) -> None:
        for name in (
            "iterations",
            "episodes_per_iteration",
            "num_envs",
            "minibatch_size",
            "epochs",
            "str_capacity_per_task",
            "eval_episodes_per_template",
        ):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.eval_temperature < 0:
            raise ConfigError(f"eval_temperature must be >= 0, got {self.eval_temperature}")
        if self.str_samples < 0 or self.eval_every < 0:
            raise ConfigError("str_samples and eval_every must be >= 0")
        if not 0 < self.clip_eps < 1:
            raise ConfigError(f"clip_eps must be in (0, 1), got {self.clip_eps}")
        if self.positive_ratio_cap < 0:
            raise ConfigError(f"positive_ratio_cap must be >= 0 (0: off), got {self.positive_ratio_cap}")
        if self.positive_ratio_cap > 0 and self.loss != "sols":
            raise ConfigError(f"positive_ratio_cap applies to loss=sols only, not loss={self.loss}")
        if self.kl_coef < 0:
            raise ConfigError(f"kl_coef must be >= 0, got {self.kl_coef}")
        if self.learning_rate <= 0 or self.value_head_learning_rate <= 0:
            raise ConfigError("learning_rate and value_head_learning_rate must be > 0")
