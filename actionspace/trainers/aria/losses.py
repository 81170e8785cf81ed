"""ARIA's policy loss, as a pure function of per-move tensors (arXiv 2506.00539, offline variant).

    loss = -mean_i( A_i * log pi(a_i|s_i) )  +  sft_coef * mean_i( -log pi(a_i|s_i) / |a_i| )

A is the advantage the trainer chose: ARIA's aggregated reward R~, the raw discounted return (REINFORCE),
or 1 on the kept moves of filtered behaviour cloning. log pi sums the move's tokens; the behaviour-cloning
term (the paper's code adds it with weight 0.5) is the per-token negative log-likelihood of the same moves,
which keeps the policy close to what it already writes.
"""

from __future__ import annotations

import torch

from actionspace.core.losses import LossOutput


def reinforce_loss(
    logprobs: torch.Tensor, advantages: torch.Tensor, num_tokens: torch.Tensor, *, sft_coef: float = 0.0
) -> LossOutput:
    """Args:
    logprobs: (B,) log pi(a|s) summed over each move's tokens (requires grad).
    advantages: (B,) the advantage of each move (no grad).
    num_tokens: (B,) each move's length in tokens (>= 1).
    sft_coef: weight of the behaviour-cloning term.
    """
    if logprobs.dim() != 1 or advantages.shape != logprobs.shape or num_tokens.shape != logprobs.shape:
        raise ValueError(
            f"expected (B,) tensors, got {tuple(logprobs.shape)}, {tuple(advantages.shape)}, {tuple(num_tokens.shape)}"
        )
    policy_loss = -(advantages.detach() * logprobs).mean()
    bc_loss = -(logprobs / num_tokens.clamp(min=1)).mean()
    return LossOutput(
        policy_loss + sft_coef * bc_loss,
        {"policy_loss": policy_loss.detach(), "bc_loss": bc_loss.detach(), "advantage_mean": advantages.mean()},
    )
