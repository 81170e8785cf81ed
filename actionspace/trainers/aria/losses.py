"""ARIA's policy loss, as a pure function of per-move tensors (arXiv 2506.00539, offline variant).

    loss = -mean_i( A_i * log pi(a_i|s_i) )  +  sft_coef * mean_i( -log pi(a_i|s_i) / |a_i| )

A is the advantage the trainer chose: ARIA's aggregated reward R~, the raw discounted return (REINFORCE),
or 1 on the kept moves of filtered behaviour cloning. log pi sums the move's tokens; the behaviour-cloning
term (the paper's code adds it with weight 0.5) is the per-token negative log-likelihood of the same moves,
which keeps the policy close to what it already writes.

With ``clip_eps`` > 0 the policy term is PPO's clipped surrogate on the whole move's ratio to the self-play
policy mu, rho = pi(a|s) / mu(a|s):

    policy = -mean_i( min(rho_i A_i, clip(rho_i, 1 - eps, 1 + eps) A_i) )

Its gradient equals REINFORCE's while rho = 1 (the first minibatch of an iteration), and a move stops pulling
once the update has moved its probability by more than eps in its advantage's direction: one batch of
self-play cannot push the policy arbitrarily far (the paper's offline ARIA has no such bound).
"""

from __future__ import annotations

import torch

from actionspace.core.losses import LossOutput, clipped_surrogate


def reinforce_loss(
    logprobs: torch.Tensor,
    advantages: torch.Tensor,
    num_tokens: torch.Tensor,
    *,
    sft_coef: float = 0.0,
    behavior_logprobs: torch.Tensor | None = None,
    clip_eps: float = 0.0,
) -> LossOutput:
    """Args:
    logprobs: (B,) log pi(a|s) summed over each move's tokens (requires grad).
    advantages: (B,) the advantage of each move (no grad).
    num_tokens: (B,) each move's length in tokens (>= 1).
    sft_coef: weight of the behaviour-cloning term.
    behavior_logprobs: (B,) log mu(a|s) recorded when the move was played; needed when ``clip_eps`` > 0.
    clip_eps: 0 for plain REINFORCE; above 0, the clipped surrogate of the module docstring.
    """
    shapes = [logprobs.shape, advantages.shape, num_tokens.shape]
    if behavior_logprobs is not None:
        shapes.append(behavior_logprobs.shape)
    if logprobs.dim() != 1 or any(shape != logprobs.shape for shape in shapes):
        raise ValueError(f"expected (B,) tensors, got {', '.join(str(tuple(shape)) for shape in shapes)}")
    advantages = advantages.detach()
    diagnostics = {"advantage_mean": advantages.mean()}
    if clip_eps > 0:
        if behavior_logprobs is None:
            raise ValueError("clip_eps > 0 needs the moves' behaviour log-probs")
        ratio = torch.exp(logprobs - behavior_logprobs.detach())
        policy_loss = -clipped_surrogate(ratio, advantages, clip_eps).mean()
        diagnostics["ratio_mean"] = ratio.detach().mean()
        diagnostics["clip_frac"] = ((ratio.detach() - 1).abs() > clip_eps).float().mean()
    else:
        policy_loss = -(advantages * logprobs).mean()
    bc_loss = -(logprobs / num_tokens.clamp(min=1)).mean()
    return LossOutput(
        policy_loss + sft_coef * bc_loss,
        diagnostics | {"policy_loss": policy_loss.detach(), "bc_loss": bc_loss.detach()},
    )
