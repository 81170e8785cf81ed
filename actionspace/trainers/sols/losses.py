"""The SoLS loss (Succeed or Learn Slowly, arXiv 2509.01720), as a pure function of per-sequence tensors.

Off-policy actor-critic on whole action sequences:
    A   = R - V(s)                        advantage against the critic (detached for the actor)
    rho = exp(log pi(a|s) - log mu(a|s))  ratio over the whole action (sum of token log-probs)
    w   = 1                  if A >= 0    "succeed": a good action is reinforced directly, no clipping
          1{|rho - 1| <= eps} if A < 0    "learn slowly": a bad action is pushed down only near-policy
    actor  = -mean(w * rho * A)
    critic = mean((V - R)^2)
    loss   = actor + value_coef * critic
"""

from __future__ import annotations

import torch

from actionspace.core.losses import LossOutput


def sols_loss(
    logprobs: torch.Tensor,
    behavior_logprobs: torch.Tensor,
    values: torch.Tensor,
    returns: torch.Tensor,
    *,
    clip_eps: float = 0.2,
    value_coef: float = 0.5,
) -> LossOutput:
    """Args:
        logprobs: (B,) log pi(a|s) of each action under the current policy (requires grad).
        behavior_logprobs: (B,) log mu(a|s) stored when the action was generated.
        values: (B,) V(s) in [0, 1] from the critic head (requires grad).
        returns: (B,) Monte-Carlo returns (binary terminal success, gamma = 1).

    Returns:
        ``loss`` and detached diagnostics: ``policy_loss``, ``value_loss``, ``ratio_mean``, ``masked_frac``
        (negative-advantage samples dropped for being off-policy), ``advantage_mean``.
    """
    # Shape guard: a (B, 1) value against (B,) returns would broadcast to (B, B) and silently train on
    # every pair of samples.
    for name, tensor in (("behavior_logprobs", behavior_logprobs), ("values", values), ("returns", returns)):
        if tensor.shape != logprobs.shape or logprobs.dim() != 1:
            raise ValueError(
                f"{name} has shape {tuple(tensor.shape)}; expected (B,) like logprobs {tuple(logprobs.shape)}"
            )
    advantages = returns - values.detach()
    ratio = torch.exp(logprobs - behavior_logprobs)
    near_policy = (ratio.detach() - 1).abs() <= clip_eps
    weight = torch.where(advantages >= 0, torch.ones_like(ratio), near_policy.to(ratio.dtype))
    policy_loss = -(weight * ratio * advantages).mean()
    value_loss = (values - returns).pow(2).mean()
    return LossOutput(
        policy_loss + value_coef * value_loss,
        {
            "policy_loss": policy_loss.detach(),
            "value_loss": value_loss.detach(),
            "ratio_mean": ratio.detach().mean(),
            "masked_frac": (weight == 0).float().mean(),
            "advantage_mean": advantages.mean(),
        },
    )
