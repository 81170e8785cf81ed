"""Configuration of supervised fine-tuning on chat examples."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from actionspace.core.config import ConfigError
from actionspace.core.models import ModelConfig
from actionspace.core.registry import DATASETS
from actionspace.core.run import RunConfig


@dataclass(kw_only=True)
class DataConfig:
    name: str = "phone_commands"
    """A registered generated data set (see `actionspace list`); ignored when `path` is set."""
    path: str | None = None
    """Directory holding your own train.jsonl and test.jsonl of {"messages": [...]} chat examples."""
    num_train: int = 2000
    """Training examples to draw (or to read, at most, from train.jsonl)."""
    num_test: int = 200
    """Held-out examples to evaluate on."""
    seed: int = 0
    """Seed of the generated data set (independent of the run seed, so runs compare on the same data)."""
    kwargs: dict[str, Any] = field(default_factory=dict)
    """Options of the generated data set, e.g. ``templates: [WifiOn, DeleteAlarm]`` for simphone_demos."""

    def __post_init__(self) -> None:
        if self.num_train < 1 or self.num_test < 1:
            raise ConfigError("data.num_train and data.num_test must be >= 1")
        if self.path is not None and not Path(self.path).is_dir():
            raise ConfigError(f"data.path does not exist or is not a directory: {self.path}")
        if self.path is None and self.name in DATASETS:
            self.build()  # a wrong option fails here, before any run directory exists

    def build(self) -> Any:
        """The registered data set with its options."""
        try:
            return DATASETS.get(self.name)(**self.kwargs)
        except TypeError as error:
            message = f"data.kwargs {self.kwargs} are not accepted by data set {self.name!r}: {error}"
            raise ConfigError(message) from error


@dataclass(kw_only=True)
class SFTConfig:
    run: RunConfig = field(default_factory=lambda: RunConfig(name="sft"))
    """Output directory, seed, checkpointing and logging."""
    model: ModelConfig = field(default_factory=ModelConfig)
    """The policy model: a tiny one built here, or a checkpoint by path, optionally with LoRA."""
    data: DataConfig = field(default_factory=DataConfig)
    """The instruction data."""

    # Optimisation
    max_steps: int = 300
    """Optimizer steps."""
    batch_size: int = 32
    """Global batch size, split evenly over processes."""
    learning_rate: float = 1e-3
    """Peak AdamW learning rate (1e-3 suits a tiny model from scratch; ~1e-4 LoRA, ~1e-5 full fine-tuning)."""
    weight_decay: float = 0.0
    """AdamW weight decay."""
    adam_beta1: float = 0.9
    """AdamW first-moment decay."""
    adam_beta2: float = 0.999
    """AdamW second-moment decay (0.95 is common for language-model training)."""
    lr_schedule: Literal["cosine", "linear", "constant"] = "cosine"
    """Decay after warmup."""
    warmup_steps: int = 20
    """Linear warmup steps."""
    max_grad_norm: float = 1.0
    """Gradient clipping norm (0: off)."""
    max_length: int = 256
    """Examples longer than this many tokens are dropped (reported) rather than truncated mid-answer."""
    completion_only_loss: bool = True
    """Train only on the assistant's tokens (as TRL's SFT does for chats), not on the prompt."""

    # Evaluation
    eval_before_training: bool = True
    """Evaluate the initial model on the test split first, for the before/after table."""
    eval_every: int = 0
    """Also evaluate every N steps (0: only before and after training)."""
    eval_max_new_tokens: int = 48
    """Tokens generated per test prompt (greedy)."""
    eval_batch_size: int = 64
    """Prompts per generation batch during evaluation."""

    def __post_init__(self) -> None:
        if self.max_steps < 1:
            raise ConfigError(f"max_steps must be >= 1, got {self.max_steps}")
        if self.batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1, got {self.batch_size}")
        if self.batch_size > self.data.num_train:
            raise ConfigError(f"batch_size ({self.batch_size}) exceeds data.num_train ({self.data.num_train})")
        if self.learning_rate <= 0:
            raise ConfigError(f"learning_rate must be > 0, got {self.learning_rate}")
        if not (0 <= self.adam_beta1 < 1 and 0 <= self.adam_beta2 < 1):
            raise ConfigError("adam_beta1 and adam_beta2 must be in [0, 1)")
        if not 0 <= self.warmup_steps < self.max_steps:
            raise ConfigError(f"warmup_steps must be in [0, max_steps), got {self.warmup_steps}")
        if self.eval_every < 0:
            raise ConfigError(f"eval_every must be >= 0, got {self.eval_every}")
