"""A KL anchor to the starting policy: the reference policy and the k3 penalty, shared by the LLM trainers.

Policy-gradient updates on sampled text lower the likelihood of the moves they push down, and with them
the tokens every move shares (a JSON format, a price's digits). Adam turns a small but consistent push into
full-size steps, and the policy drifts to text it never sampled: invalid actions (docs/sols.md, docs/aria.md).
A penalty KL(pi || pi_start) on the sampled tokens holds the policy near where it started.
"""

from __future__ import annotations

import copy
from typing import Any

import torch

from actionspace.agents.policy import ActionScores, LLMPolicy


class ReferencePolicy:
    """The starting policy the KL penalty anchors to. A LoRA model's reference is its own base with the
    adapters off, so it costs no memory; any other model's is a frozen copy taken here, before training.

    Args:
        policy: the policy about to be trained.
    """

    def __init__(self, policy: LLMPolicy) -> None:
        self.copy: LLMPolicy | None = None
        if not hasattr(policy.model, "disable_adapter"):
            # The copy's (unused) value head is drawn from a forked stream: turning the anchor on must not
            # change the run's random stream, or the self-play draws of a run with it and one without differ.
            with torch.random.fork_rng(devices=[]):
                self.copy = LLMPolicy(copy.deepcopy(policy.model), policy.tokenizer).requires_grad_(False).eval()

    @torch.no_grad()
    def score(self, learner: LLMPolicy, prompts: list[str], actions: list[list[int]]) -> ActionScores:
        """The reference's scores of these (prompt, action token ids) pairs; ``learner`` is the policy being
        trained (unwrapped), whose base is the reference under LoRA."""
        if self.copy is not None:
            self.copy.to(next(learner.parameters()).device)
            return self.copy.score(prompts, actions)
        model: Any = learner.model
        with model.disable_adapter():
            return learner.score(prompts, actions)


def kl_penalty(token_logprobs: torch.Tensor, reference_logprobs: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """KL(pi || pi_ref) on the sampled action tokens, summed per action and averaged over the batch.

    Per token, the non-negative, unbiased k3 estimator (Schulman's; TRL's GRPO uses it):
    r = log pi_ref - log pi,  k3 = exp(r) - r - 1.

    Args:
        token_logprobs: (B, T) log pi of each position's token (requires grad).
        reference_logprobs: (B, T) log pi_ref at the same positions (values off ``mask`` are ignored).
        mask: (B, T) True at the action tokens.
    """
    if token_logprobs.shape != reference_logprobs.shape or token_logprobs.shape != mask.shape:
        raise ValueError(
            f"shapes differ: {tuple(token_logprobs.shape)}, {tuple(reference_logprobs.shape)}, {tuple(mask.shape)}"
        )
    log_ratio = torch.where(mask, reference_logprobs - token_logprobs, torch.zeros_like(token_logprobs))
    per_token = torch.exp(log_ratio) - log_ratio - 1
    return (per_token * mask).sum(-1).mean()
