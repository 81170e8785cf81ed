"""The engine interface: prompts in, action texts with log-probabilities out.

Trainers and evaluation talk to an engine, never to ``generate()`` directly, so that rollouts move from
Hugging Face generate (always available) to vLLM by config.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from actionspace.core.config import ConfigError


@dataclass(kw_only=True)
class SamplingParams:
    max_new_tokens: int = 64
    """Most tokens generated per prompt."""
    temperature: float = 0.0
    """Sampling temperature; 0 means greedy decoding."""
    top_p: float = 1.0
    """Nucleus sampling mass (1.0: off)."""

    def __post_init__(self) -> None:
        if self.max_new_tokens < 1:
            raise ConfigError(f"max_new_tokens must be >= 1, got {self.max_new_tokens}")
        if self.temperature < 0:
            raise ConfigError(f"temperature must be >= 0, got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise ConfigError(f"top_p must be in (0, 1], got {self.top_p}")


@dataclass
class Generation:
    """One completion. ``token_logprobs`` are under the model's own distribution (temperature 1, no
    top-p), which is what a learner recomputes, so off-policy ratios compare like with like."""

    text: str
    token_ids: list[int]
    token_logprobs: list[float] = field(repr=False)
    finish_reason: Literal["stop", "length"]

    @property
    def logprob(self) -> float:
        """Log-probability of the whole completion: the sum over its tokens."""
        return float(sum(self.token_logprobs))


class Engine(Protocol):
    def generate(self, prompts: list[str], params: SamplingParams) -> list[Generation]:
        """One generation per prompt, in order. Prompts are already rendered (chat template applied)."""
        ...
