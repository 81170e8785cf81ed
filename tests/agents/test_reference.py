"""The KL anchor: k3 by hand, and the reference is the starting policy (a frozen copy, or the LoRA base)."""

import dataclasses

import pytest
import torch

from actionspace.agents.policy import LLMPolicy
from actionspace.agents.reference import ReferencePolicy, kl_penalty
from actionspace.core.models import ModelConfig, load_model

PROMPTS = ["<|im_start|>user\nOffer a price.<|im_end|>\n<|im_start|>assistant\n", "<|im_start|>user\nAsk.<|im_end|>\n"]
ACTIONS = [[5, 6, 7], [8]]


def test_kl_penalty_matches_hand_computation():
    # Row 0: tokens with pi = [.5, .25] and pi_ref = [.25, .25], then padding.
    #   token 1: r = log(.25/.5) = -ln 2, k3 = exp(r) - r - 1 = .5 + ln 2 - 1 = 0.193147; token 2: r = 0, k3 = 0.
    # Row 1: one token, pi = .5, pi_ref = 1: r = ln 2, k3 = 2 - ln 2 - 1 = 0.306853.
    # Mean over the two actions of their sums: (0.193147 + 0.306853) / 2 = 0.25.
    current = torch.log(torch.tensor([[0.5, 0.25, 0.9], [0.3, 0.5, 0.9]])).requires_grad_()
    reference = torch.log(torch.tensor([[0.25, 0.25, 0.1], [0.2, 1.0, 0.1]]))
    mask = torch.tensor([[True, True, False], [False, True, False]])
    kl = kl_penalty(current, reference, mask)
    assert kl.item() == pytest.approx(0.25, abs=1e-6)
    kl.backward()
    # d k3 / d log pi = 1 - exp(r) = 1 - pi_ref / pi, halved by the batch mean; nothing off the mask.
    expected = torch.tensor([[0.5 * (1 - 0.5), 0.0, 0.0], [0.0, 0.5 * (1 - 2.0), 0.0]])
    assert torch.allclose(current.grad, expected, atol=1e-6)
    # Identical policies: no penalty.
    assert kl_penalty(reference, reference, mask).item() == 0.0
    with pytest.raises(ValueError, match="shapes differ"):
        kl_penalty(current, reference[:, :2], mask)


def _perturb(module: torch.nn.Module) -> None:
    with torch.no_grad():
        for parameter in module.parameters():
            if parameter.requires_grad:
                parameter.add_(0.05 * torch.randn_like(parameter))


def test_a_full_model_is_anchored_to_a_frozen_copy_of_its_start(tiny_model):
    policy = LLMPolicy(*tiny_model).eval()
    with torch.no_grad():
        start = policy.score(PROMPTS, ACTIONS).token_logprobs
    state = torch.random.get_rng_state()
    reference = ReferencePolicy(policy)
    assert torch.equal(torch.random.get_rng_state(), state)  # the run's random stream is left as it was
    _perturb(policy.model)  # training moves the policy
    assert reference.copy is not None and not any(p.requires_grad for p in reference.copy.parameters())
    moved = reference.score(policy, PROMPTS, ACTIONS)
    assert torch.allclose(moved.token_logprobs, start)
    assert not torch.allclose(policy.score(PROMPTS, ACTIONS).token_logprobs, start)


def test_a_lora_model_is_anchored_to_its_base_with_no_copy():
    torch.manual_seed(0)
    base_model, tokenizer = load_model(ModelConfig(size="tiny"))
    base = LLMPolicy(base_model, tokenizer).eval()
    with torch.no_grad():
        start = base.score(PROMPTS, ACTIONS).token_logprobs
    torch.manual_seed(0)
    config = dataclasses.replace(ModelConfig(size="tiny"), use_lora=True)
    policy = LLMPolicy(*load_model(config)).eval()
    reference = ReferencePolicy(policy)
    assert reference.copy is None  # the base, with the adapters off, is the reference
    _perturb(policy.model)  # only the adapters train
    assert torch.allclose(reference.score(policy, PROMPTS, ACTIONS).token_logprobs, start, atol=1e-6)
    with torch.no_grad():
        assert not torch.allclose(policy.score(PROMPTS, ACTIONS).token_logprobs, start, atol=1e-3)
