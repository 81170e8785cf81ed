"""LLMPolicy: recomputed action log-probs match the engine's, V(s) ignores the action, gradients flow."""

import pytest
import torch

from actionspace.agents.policy import LLMPolicy
from actionspace.serving import HFEngine, SamplingParams

PROMPTS = [
    "<|im_start|>user\nGo back.<|im_end|>\n<|im_start|>assistant\n",
    "<|im_start|>user\nOpen the Clock app, then set an alarm.<|im_end|>\n<|im_start|>assistant\n",
]


def test_logprobs_match_the_engine_and_values_depend_on_the_state_only(tiny_model):
    model, tokenizer = tiny_model
    policy = LLMPolicy(model, tokenizer)
    torch.manual_seed(0)
    generations = HFEngine(model, tokenizer).generate(PROMPTS, SamplingParams(max_new_tokens=10, temperature=1.0))
    policy.eval()
    with torch.no_grad():
        scores = policy.score(PROMPTS, [g.token_ids for g in generations])
        other = policy.score(PROMPTS, [[5, 6], [7]])
    engine_logprobs = torch.tensor([g.logprob for g in generations])
    assert torch.allclose(scores.logprobs, engine_logprobs, atol=1e-3)  # batched, right-padded, still exact
    assert scores.num_tokens.tolist() == [len(g.token_ids) for g in generations]
    assert torch.equal(scores.values, other.values)  # V(s) reads the prompt only
    assert ((scores.values > 0.3) & (scores.values < 0.7)).all()  # an untrained critic stays near 0.5


def test_gradients_reach_the_model_and_the_value_head(tiny_model):
    model, tokenizer = tiny_model
    policy = LLMPolicy(model, tokenizer)
    scores = policy.score(PROMPTS, [[5, 6, 7], [8]])
    (scores.logprobs.sum() + scores.values.sum()).backward()
    assert policy.value_head.weight.grad is not None and policy.value_head.weight.grad.abs().sum() > 0
    assert model.get_input_embeddings().weight.grad.abs().sum() > 0


def test_action_log_prob_is_the_sum_over_its_tokens(tiny_model):
    model, tokenizer = tiny_model
    policy = LLMPolicy(model, tokenizer).eval()
    with torch.no_grad():
        whole = policy.score(PROMPTS[:1], [[40, 41]]).logprobs
        first = policy.score(PROMPTS[:1], [[40]]).logprobs
        prompt_ids = tokenizer(PROMPTS[0], add_special_tokens=False)["input_ids"]
        logits = model(torch.tensor([prompt_ids + [40]])).logits[0, -1].log_softmax(-1)
    assert whole.item() == pytest.approx(first.item() + logits[41].item(), abs=1e-4)
