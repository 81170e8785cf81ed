"""The PPO objective as pure functions of tensors (clipped surrogate, clipped value loss, KL estimate)."""

from __future__ import annotations

import torch

from actionspace.core.losses import LossOutput, clipped_surrogate


def ppo_loss(
    new_log_probs: torch.Tensor,
    old_log_probs: torch.Tensor,
    advantages: torch.Tensor,
    values: torch.Tensor,
    old_values: torch.Tensor,
    returns: torch.Tensor,
    entropy: torch.Tensor,
    *,
    clip: float,
    value_coef: float,
    entropy_coef: float,
    clip_value: bool = True,
) -> LossOutput:
    """loss = -mean(min(rho A, clip(rho, 1-eps, 1+eps) A)) + c_v * L_V - c_H * mean(H)

    with rho = exp(new - old) and L_V = 0.5 * mean(max((V - R)^2, (V_old + clip(V - V_old, -eps, eps) - R)^2))
    (or 0.5 * mean((V - R)^2) without value clipping). Diagnostics: clip fraction and the k3 KL estimate
    mean((rho - 1) - log rho), which is >= 0 sample by sample.
    """
    log_ratio = new_log_probs - old_log_probs
    ratio = log_ratio.exp()
    policy_loss = -clipped_surrogate(ratio, advantages, clip).mean()
    if clip_value:
        values_clipped = old_values + (values - old_values).clamp(-clip, clip)
        value_loss = 0.5 * torch.maximum((values - returns) ** 2, (values_clipped - returns) ** 2).mean()
    else:
        value_loss = 0.5 * ((values - returns) ** 2).mean()
    entropy_mean = entropy.mean()
    loss = policy_loss + value_coef * value_loss - entropy_coef * entropy_mean
    with torch.no_grad():
        approx_kl = ((ratio - 1.0) - log_ratio).mean()
        clip_fraction = ((ratio - 1.0).abs() > clip).float().mean()
    return LossOutput(
        loss,
        {
            "train/policy_loss": policy_loss.detach(),
            "train/value_loss": value_loss.detach(),
            "train/entropy": entropy_mean.detach(),
            "train/approx_kl": approx_kl,
            "train/clip_fraction": clip_fraction,
        },
    )


def adapt_learning_rate(
    lr: float, kl: float, *, target_kl: float, factor: float = 1.5, min_lr: float = 1e-5, max_lr: float = 1e-2
) -> float:
    """KL-adaptive step size (rsl_rl / GenPO): shrink when the update overshoots 2x the target KL,
    grow when it stays under half of it."""
    if kl > 2.0 * target_kl:
        return max(min_lr, lr / factor)
    if kl < 0.5 * target_kl:
        return min(max_lr, lr * factor)
    return lr
