"""Causal LMs for policies: tiny ones built locally from a config, or a user's real checkpoint by path.

Both paths return ``(model, tokenizer)`` from :func:`load_model`, so every trainer, engine and test uses
the same code whether the policy is a 3M-parameter Qwen2 built here or a Llama-3-8B on disk.

The tiny models use a byte-level BPE tokenizer trained here on generated text (:mod:`core.corpus`) with a
ChatML template, like Qwen's. Every size keeps ``head_dim = 64``, one that vLLM's CPU attention supports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import torch

from actionspace.core.config import ConfigError
from actionspace.core.corpus import generate_corpus

PAD_TOKEN = "<|endoftext|>"
IM_START = "<|im_start|>"
IM_END = "<|im_end|>"

# ChatML, as Qwen uses. The {% generation %} markers let `return_assistant_tokens_mask` find the tokens
# a model is trained on (the assistant's content and its closing <|im_end|>).
CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "{{ '<|im_start|>' + message['role'] + '\n' }}"
    "{%- if message['role'] == 'assistant' -%}"
    "{% generation %}{{ message['content'] + '<|im_end|>' }}{% endgeneration %}{{ '\n' }}"
    "{%- else -%}"
    "{{ message['content'] + '<|im_end|>\n' }}"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\n' }}{%- endif -%}"
)


@dataclass(frozen=True)
class ModelSize:
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    intermediate_size: int

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads


# Parameter counts (Qwen2, tied embeddings): tiny 2.9M, small 24.8M, base 84.3M.
MODEL_SIZES: dict[str, ModelSize] = {
    "tiny": ModelSize(256, 4, 4, 2, 512),
    "small": ModelSize(512, 8, 8, 4, 1408),
    "base": ModelSize(768, 12, 12, 4, 2304),
}
# One tokenizer for every size, so checkpoints of different sizes share a vocabulary. 4096 is a ceiling:
# with Qwen2's pre-tokenisation (digits one by one) the generated corpus supports about 2.2k tokens.
TOKENIZER_VOCAB_SIZE = 4096


@dataclass(kw_only=True)
class ModelConfig:
    # Which model
    path: str | None = None
    """Local Hugging Face checkpoint directory (e.g. a Qwen or Llama); when set, `arch` and `size` are ignored."""
    arch: Literal["qwen2", "llama"] = "qwen2"
    """Architecture of a model built from scratch."""
    size: Literal["tiny", "small", "base"] = "tiny"
    """Size of a model built from scratch: tiny 2.9M, small 24.8M, base 84.3M parameters."""
    dtype: Literal["float32", "bfloat16", "float16"] = "float32"
    """Parameter dtype."""

    # LoRA (peft)
    use_lora: bool = False
    """Train LoRA adapters instead of all weights."""
    lora_r: int = 8
    """LoRA rank."""
    lora_alpha: int = 16
    """LoRA scaling numerator (the update is scaled by alpha / r)."""
    lora_dropout: float = 0.0
    """Dropout on the LoRA branch."""
    lora_target_modules: list[str] = field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj"])
    """Module names that receive adapters."""

    def __post_init__(self) -> None:
        if self.path is not None:
            path = Path(self.path).expanduser()
            if not path.is_dir():
                raise ConfigError(f"model.path does not exist or is not a directory: {self.path}")
            if not (path / "config.json").is_file():
                raise ConfigError(f"model.path has no config.json, so it is not a Hugging Face checkpoint: {self.path}")
        if self.use_lora and self.lora_r < 1:
            raise ConfigError(f"model.lora_r must be >= 1 when model.use_lora is true, got {self.lora_r}")


def load_model(config: ModelConfig) -> tuple[torch.nn.Module, Any]:
    """Returns ``(model, tokenizer)``: a checkpoint from ``config.path`` or a fresh model of ``config.size``.

    A fresh model's initial weights come from torch's global RNG, so seed first for reproducibility
    (``Run`` does). With ``use_lora`` the model is wrapped in a peft ``PeftModel``.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    dtype = getattr(torch, config.dtype)
    model: Any
    if config.path is not None:
        # local_files_only: a user's path must never turn into a hub download.
        tokenizer = AutoTokenizer.from_pretrained(config.path, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(config.path, local_files_only=True, dtype=dtype)
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
    else:
        size = MODEL_SIZES[config.size]
        tokenizer = build_tokenizer(TOKENIZER_VOCAB_SIZE)
        model = AutoModelForCausalLM.from_config(model_config(config.arch, size, tokenizer), dtype=dtype)
    if config.use_lora:
        model = add_lora(model, config)
    return model, tokenizer


def model_config(arch: str, size: ModelSize, tokenizer: Any) -> Any:
    """A transformers config for a from-scratch model whose vocabulary matches ``tokenizer``."""
    from transformers import LlamaConfig, Qwen2Config

    common = dict(
        vocab_size=_round_up(len(tokenizer), 64),
        hidden_size=size.hidden_size,
        num_hidden_layers=size.num_hidden_layers,
        num_attention_heads=size.num_attention_heads,
        num_key_value_heads=size.num_key_value_heads,
        intermediate_size=size.intermediate_size,
        max_position_embeddings=2048,
        tie_word_embeddings=True,
        bos_token_id=None,
        eos_token_id=tokenizer.convert_tokens_to_ids(IM_END),
        pad_token_id=tokenizer.pad_token_id,
    )
    if arch == "qwen2":
        return Qwen2Config(**common)
    if arch == "llama":
        return LlamaConfig(**common, head_dim=size.head_dim)
    raise ConfigError(f"model.arch must be qwen2 or llama, got {arch!r}")


def add_lora(model: torch.nn.Module, config: ModelConfig) -> torch.nn.Module:
    from peft import LoraConfig, get_peft_model

    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=list(config.lora_target_modules),
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, lora)


def build_tokenizer(vocab_size: int, extra_text: Iterable[str] = ()) -> Any:
    """A byte-level BPE tokenizer trained on the generated corpus (plus ``extra_text``), with ChatML.

    Training is deterministic and takes about a second; results are memoised per process.
    """
    extra = tuple(extra_text)
    key = hashlib.sha256("\n".join(extra).encode()).hexdigest()
    return _train_tokenizer(vocab_size, key, extra)


@lru_cache(maxsize=8)
def _train_tokenizer(vocab_size: int, _key: str, extra: tuple[str, ...]) -> Any:
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast
    from transformers.models.qwen2.tokenization_qwen2 import PRETOKENIZE_REGEX

    tokenizer = Tokenizer(models.BPE())
    # Exactly Qwen2's normalisation and pre-tokenisation: AutoTokenizer (and hence vLLM) loads a saved
    # qwen2 checkpoint as a Qwen2Tokenizer, which rebuilds these from its own definition; any other choice
    # here would make a reloaded tokenizer split text differently from the one the model was trained with.
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(PRETOKENIZE_REGEX), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[PAD_TOKEN, IM_START, IM_END],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(list(generate_corpus()) + list(extra), trainer=trainer)
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        eos_token=IM_END,
        pad_token=PAD_TOKEN,
        chat_template=CHAT_TEMPLATE,
        model_max_length=2048,
    )
    return wrapped


def count_parameters(model: torch.nn.Module, *, trainable_only: bool = False) -> int:
    """Number of distinct parameters (tied weights counted once)."""
    seen: set[int] = set()
    total = 0
    for parameter in model.parameters():
        if id(parameter) in seen or (trainable_only and not parameter.requires_grad):
            continue
        seen.add(id(parameter))
        total += parameter.numel()
    return total


def _round_up(value: int, multiple: int) -> int:
    return (value + multiple - 1) // multiple * multiple
