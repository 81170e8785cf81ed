"""HFEngine: batched greedy generation equals one-at-a-time, and its log-probs match a forward pass."""

import pytest
import torch

from actionspace.core.config import ConfigError
from actionspace.serving import HFEngine, SamplingParams

PROMPTS = [
    "<|im_start|>user\nGo back.<|im_end|>\n<|im_start|>assistant\n",
    '<|im_start|>user\nType "red hat" into field 3 and then press enter.<|im_end|>\n<|im_start|>assistant\n',
]


def test_batched_generation_equals_single_and_logprobs_match_recomputation(tiny_model):
    model, tokenizer = tiny_model
    engine = HFEngine(model, tokenizer, batch_size=8)
    params = SamplingParams(max_new_tokens=12)
    batched = engine.generate(PROMPTS, params)
    singles = [engine.generate([p], params)[0] for p in PROMPTS]
    assert [g.token_ids for g in batched] == [g.token_ids for g in singles]  # left padding is handled
    for prompt, generation in zip(PROMPTS, batched, strict=True):
        assert len(generation.token_ids) == len(generation.token_logprobs) == 12
        assert generation.finish_reason == "length"
        prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        ids = torch.tensor([prompt_ids + generation.token_ids])
        with torch.no_grad():
            logprobs = model(ids).logits[0, len(prompt_ids) - 1 : -1].log_softmax(-1)
        recomputed = logprobs.gather(-1, torch.tensor(generation.token_ids)[:, None]).squeeze(-1)
        assert torch.allclose(recomputed, torch.tensor(generation.token_logprobs), atol=1e-4)
        assert generation.logprob == pytest.approx(recomputed.sum().item(), abs=1e-3)


def test_sampling_is_seeded_by_torch(tiny_model):
    model, tokenizer = tiny_model
    engine = HFEngine(model, tokenizer)
    params = SamplingParams(max_new_tokens=8, temperature=1.0)
    torch.manual_seed(1)
    first = engine.generate(PROMPTS, params)
    torch.manual_seed(1)
    assert [g.token_ids for g in engine.generate(PROMPTS, params)] == [g.token_ids for g in first]
    model.train()
    engine.generate(PROMPTS[:1], params)
    assert model.training  # generation runs in eval mode and restores the caller's mode


@pytest.mark.parametrize("kwargs", [{"max_new_tokens": 0}, {"temperature": -1.0}, {"top_p": 0.0}])
def test_bad_sampling_params(kwargs):
    with pytest.raises(ConfigError):
        SamplingParams(**kwargs)
