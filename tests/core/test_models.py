"""Tiny models: sizes, vLLM-compatible head_dim, tokenizer and chat template, save/load round trip, LoRA."""

from __future__ import annotations

import pytest
import torch

from actionspace.core.config import ConfigError
from actionspace.core.models import (
    IM_END,
    MODEL_SIZES,
    TOKENIZER_VOCAB_SIZE,
    ModelConfig,
    build_tokenizer,
    count_parameters,
    load_model,
)

VLLM_CPU_HEAD_DIMS = {32, 64, 80, 96, 112, 128, 256}


@pytest.mark.parametrize("arch", ["qwen2", "llama"])
def test_tiny_model_size_and_head_dim(arch):
    model, tokenizer = load_model(ModelConfig(arch=arch, size="tiny"))
    assert 2_000_000 <= count_parameters(model) <= 5_000_000
    assert model.config.hidden_size // model.config.num_attention_heads in VLLM_CPU_HEAD_DIMS
    assert model.config.vocab_size >= len(tokenizer)
    assert model.config.model_type == arch


def test_declared_sizes_have_supported_head_dims_and_target_counts():
    # small is the size the vLLM benchmark needs at ~20-40M parameters; count without building it.
    small = MODEL_SIZES["small"]
    per_layer = (
        2 * small.hidden_size**2
        + 2 * small.hidden_size * small.head_dim * small.num_key_value_heads
        + 3 * small.hidden_size * small.intermediate_size
    )
    assert 20e6 <= small.num_hidden_layers * per_layer + TOKENIZER_VOCAB_SIZE * small.hidden_size <= 40e6
    assert all(size.head_dim in VLLM_CPU_HEAD_DIMS for size in MODEL_SIZES.values())


def test_tokenizer_is_deterministic_and_round_trips_text():
    first, second = build_tokenizer(512, ["zebra crossing"]), build_tokenizer(512, ["zebra crossing"])
    assert first.get_vocab() == second.get_vocab()
    text = 'Type "héllo wörld ✓" into field 3 {"index": 12}\n'
    tokenizer = build_tokenizer(TOKENIZER_VOCAB_SIZE)
    assert tokenizer.decode(tokenizer(text, add_special_tokens=False)["input_ids"]) == text  # byte-level: lossless


def test_chat_template_marks_only_the_assistant_answer():
    tokenizer = build_tokenizer(TOKENIZER_VOCAB_SIZE)
    messages = [{"role": "user", "content": "Go back."}, {"role": "assistant", "content": '{"a": 1}'}]
    encoded = tokenizer.apply_chat_template(
        messages, tokenize=True, return_dict=True, return_assistant_tokens_mask=True
    )
    trained = [t for t, m in zip(encoded["input_ids"], encoded["assistant_masks"], strict=True) if m]
    assert tokenizer.decode(trained) == '{"a": 1}' + IM_END
    prompt = tokenizer.apply_chat_template(messages[:1], tokenize=False, add_generation_prompt=True)
    assert prompt == "<|im_start|>user\nGo back.<|im_end|>\n<|im_start|>assistant\n"


def test_save_and_load_by_path_round_trip(tmp_path, tiny_model):
    model, tokenizer = tiny_model
    model.save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    loaded, loaded_tokenizer = load_model(ModelConfig(path=str(tmp_path)))
    ids = torch.tensor([tokenizer("Open the Clock app.")["input_ids"]])
    with torch.no_grad():
        assert torch.equal(model(ids).logits, loaded(ids).logits)
    assert loaded_tokenizer.get_vocab() == tokenizer.get_vocab()
    assert loaded_tokenizer.chat_template == tokenizer.chat_template


@pytest.mark.parametrize("arch", ["qwen2", "llama"])
def test_saved_tokenizer_reloads_through_autotokenizer_with_identical_ids(tmp_path, arch):
    # AutoTokenizer (and vLLM, which uses it) rebuilds a qwen2 checkpoint's tokenizer as Qwen2Tokenizer with
    # Qwen2's own pre-tokeniser: ours must split text the same way, or a reloaded policy sees other tokens.
    from transformers import AutoTokenizer

    from actionspace.core.models import generate_corpus

    model, tokenizer = load_model(ModelConfig(arch=arch))
    model.save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    reloaded = AutoTokenizer.from_pretrained(tmp_path, local_files_only=True)
    texts = [*list(generate_corpus())[:500], 'Set the alarm for 07:45, text +1 555-0100 "héllo" {"index": 12}']
    for text in texts:
        assert (
            reloaded(text, add_special_tokens=False)["input_ids"]
            == tokenizer(text, add_special_tokens=False)["input_ids"]
        )
    chat = [{"role": "user", "content": "Open Clock."}]
    assert reloaded.apply_chat_template(
        chat, tokenize=False, add_generation_prompt=True
    ) == tokenizer.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
    assert reloaded.eos_token == tokenizer.eos_token == IM_END


def test_missing_model_path_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="model.path does not exist"):
        ModelConfig(path=str(tmp_path / "nope"))
    with pytest.raises(ConfigError, match="no config.json"):
        ModelConfig(path=str(tmp_path))


def test_lora_trains_only_adapters():
    model, _ = load_model(ModelConfig(size="tiny", use_lora=True, lora_r=4, lora_alpha=8))
    trainable = {name for name, p in model.named_parameters() if p.requires_grad}
    assert trainable and all("lora_" in name for name in trainable)
    assert count_parameters(model, trainable_only=True) < 0.05 * count_parameters(model)
