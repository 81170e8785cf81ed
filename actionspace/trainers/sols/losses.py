"""The SoLS loss (Succeed or Learn Slowly, arXiv 2509.01720), as a pure function of per-sequence tensors.

Off-policy actor-critic on whole action sequences:
    A   = R - V(s)                        advantage against the critic (detached for the actor)
    rho = exp(log pi(a|s) - log mu(a|s))  ratio over the whole action (sum of token log-probs)
    w   = 1                  if A >= 0    "succeed": a good action is reinforced directly, no clipping
          1{|rho - 1| <= eps} if A < 0    "learn slowly": a bad action is pushed down only near-policy
    actor  = -mean(w * rho * A)
    critic = mean((V - R)^2)
    loss   = actor + value_coef * critic

``positive_ratio_cap`` c (off by default, as in the paper) replaces rho by min(rho, c) for A >= 0 as the
gradient's weight (a truncated importance weight, V-trace's rho-bar), while still never stopping the push.
"""

from __future__ import annotations

import torch

from actionspace.core.losses import LossOutput, clipped_surrogate


def sols_loss(
    logprobs: torch.Tensor,
    behavior_logprobs: torch.Tensor,
    values: torch.Tensor,
    returns: torch.Tensor,
    *,
    clip_eps: float = 0.2,
    value_coef: float = 0.5,
    positive_ratio_cap: float = 0.0,
) -> LossOutput:
    """Args:
        logprobs: (B,) log pi(a|s) of each action under the current policy (requires grad).
        behavior_logprobs: (B,) log mu(a|s) stored when the action was generated.
        values: (B,) V(s) in [0, 1] from the critic head (requires grad).
        returns: (B,) Monte-Carlo returns (binary terminal success, gamma = 1, minus any invalid-action penalty).
        positive_ratio_cap: 0 (the paper): a positive sample weighs rho. c > 0: it weighs min(rho, c). A replayed
            success whose action the policy has since made far likelier than its stored log-prob says can
            have rho in the millions (on simphone a minibatch's mean rho reached 1.9e7); after gradient
            clipping such a sample alone is the minibatch's update.

    Returns:
        ``loss`` and detached diagnostics: ``policy_loss``, ``value_loss``, ``ratio_mean``, ``masked_frac``
        (negative-advantage samples dropped for being off-policy), ``advantage_mean``.
    """
    _check_shapes(logprobs, behavior_logprobs, values, returns)
    advantages = returns - values.detach()
    ratio = torch.exp(logprobs - behavior_logprobs)
    near_policy = (ratio.detach() - 1).abs() <= clip_eps
    # With a cap, min(rho, c) / rho as a constant factor: the gradient is min(rho, c) A grad log pi.
    positive = ratio.detach().clamp(max=positive_ratio_cap) / ratio.detach() if positive_ratio_cap > 0 else 1.0
    weight = torch.where(advantages >= 0, positive, near_policy.to(ratio.dtype))
    policy_loss = -(weight * ratio * advantages).mean()
    value_loss = (values - returns).pow(2).mean()
    return LossOutput(
        policy_loss + value_coef * value_loss,
        _diagnostics(policy_loss, value_loss, ratio, advantages) | {"masked_frac": (weight == 0).float().mean()},
    )


# Baselines of the SoLS paper's table, on the same inputs so that a trainer switches by name. ---------
def ppo_loss(
    logprobs: torch.Tensor,
    behavior_logprobs: torch.Tensor,
    values: torch.Tensor,
    returns: torch.Tensor,
    *,
    clip_eps: float = 0.2,
    value_coef: float = 0.5,
) -> LossOutput:
    """PPO's clipped surrogate on whole-action ratios: -mean(min(rho*A, clip(rho, 1-eps, 1+eps)*A))."""
    _check_shapes(logprobs, behavior_logprobs, values, returns)
    advantages = returns - values.detach()
    ratio = torch.exp(logprobs - behavior_logprobs)
    policy_loss = -clipped_surrogate(ratio, advantages, clip_eps).mean()
    value_loss = (values - returns).pow(2).mean()
    clip_frac = ((ratio.detach() - 1).abs() > clip_eps).float().mean()
    return LossOutput(
        policy_loss + value_coef * value_loss,
        _diagnostics(policy_loss, value_loss, ratio, advantages) | {"clip_frac": clip_frac},
    )


def a2c_loss(
    logprobs: torch.Tensor,
    behavior_logprobs: torch.Tensor,
    values: torch.Tensor,
    returns: torch.Tensor,
    *,
    clip_eps: float = 0.2,
    value_coef: float = 0.5,
) -> LossOutput:
    """Advantage actor-critic: -mean(log pi * A). It assumes on-policy data and ignores mu (so replayed
    samples enter uncorrected, as in the paper's A2C-STR row)."""
    _check_shapes(logprobs, behavior_logprobs, values, returns)
    advantages = returns - values.detach()
    policy_loss = -(logprobs * advantages).mean()
    value_loss = (values - returns).pow(2).mean()
    ratio = torch.exp(logprobs - behavior_logprobs)
    return LossOutput(policy_loss + value_coef * value_loss, _diagnostics(policy_loss, value_loss, ratio, advantages))


def filtered_loss(
    logprobs: torch.Tensor,
    behavior_logprobs: torch.Tensor,
    values: torch.Tensor,
    returns: torch.Tensor,
    *,
    clip_eps: float = 0.2,
    value_coef: float = 0.5,
) -> LossOutput:
    """DigiRL-like filtered regression: imitate only the actions whose advantage is positive,
    -sum(1{A > 0} log pi) / max(1, #kept); the critic is trained as in the others."""
    _check_shapes(logprobs, behavior_logprobs, values, returns)
    advantages = returns - values.detach()
    keep = (advantages > 0).to(logprobs.dtype)
    policy_loss = -(keep * logprobs).sum() / keep.sum().clamp(min=1)
    value_loss = (values - returns).pow(2).mean()
    ratio = torch.exp(logprobs - behavior_logprobs)
    return LossOutput(
        policy_loss + value_coef * value_loss,
        _diagnostics(policy_loss, value_loss, ratio, advantages) | {"kept_frac": keep.mean().detach()},
    )


LOSSES = {"sols": sols_loss, "ppo": ppo_loss, "a2c": a2c_loss, "filtered": filtered_loss}


def _check_shapes(logprobs: torch.Tensor, *others: torch.Tensor) -> None:
    # A (B, 1) value against (B,) returns would broadcast to (B, B) and silently train on every pair.
    for tensor in others:
        if tensor.shape != logprobs.shape or logprobs.dim() != 1:
            raise ValueError(f"got shape {tuple(tensor.shape)}; expected (B,) like logprobs {tuple(logprobs.shape)}")


def _diagnostics(
    policy_loss: torch.Tensor, value_loss: torch.Tensor, ratio: torch.Tensor, advantages: torch.Tensor
) -> dict[str, torch.Tensor]:
    return {
        "policy_loss": policy_loss.detach(),
        "value_loss": value_loss.detach(),
        "ratio_mean": ratio.detach().mean(),
        "advantage_mean": advantages.mean(),
    }
