"""CQN-AS's losses as pure functions: the C51 target projection, the distributional TD loss, and the
demonstration losses (margin and first-order stochastic dominance) that make sparse rewards learnable."""

from __future__ import annotations

import torch

from actionspace.core.losses import LossOutput


def project_distribution(
    next_probs: torch.Tensor, reward: torch.Tensor, discount: torch.Tensor, support: torch.Tensor
) -> torch.Tensor:
    """C51's projection of the distribution of r + discount * Z onto the fixed ``support``.

    next_probs: [B, ..., atoms] probabilities of Z at the support; reward, discount: [B].
    Each atom z_j moves to Tz_j = clamp(r + discount * z_j, v_min, v_max) and its mass is split
    between the two neighbouring atoms in proportion to closeness (all of it when Tz_j lands on one).
    """
    atoms = support.numel()
    v_min, v_max = float(support[0]), float(support[-1])
    delta = (v_max - v_min) / (atoms - 1)
    shape = (-1,) + (1,) * (next_probs.dim() - 1)
    tz = (reward.view(shape) + discount.view(shape) * support).clamp(v_min, v_max)  # [B, 1.., atoms]
    b = (tz - v_min) / delta
    lower = b.floor().long().clamp(0, atoms - 1)
    upper = b.ceil().long().clamp(0, atoms - 1)
    # When b is an integer, lower == upper: give it all the mass (the floor/ceil weights would both be 0).
    lower_weight = torch.where(lower == upper, torch.ones_like(b), upper.to(b.dtype) - b)
    upper_weight = torch.where(lower == upper, torch.zeros_like(b), b - lower.to(b.dtype))
    projected = torch.zeros_like(next_probs)
    projected.scatter_add_(-1, lower.expand_as(next_probs), next_probs * lower_weight)
    projected.scatter_add_(-1, upper.expand_as(next_probs), next_probs * upper_weight)
    return projected


def cqn_loss(
    log_probs_taken: torch.Tensor,
    target: torch.Tensor,
    probs_all: torch.Tensor,
    probs_taken: torch.Tensor,
    support: torch.Tensor,
    demo: torch.Tensor,
    *,
    bc_lambda: float,
    bc_margin: float,
    td_weight: float = 1.0,
    fosd_weight: float = 1.0,
) -> LossOutput:
    """td_weight * distributional TD loss + bc_lambda * (margin + fosd_weight * FOSD) demo terms.

    log_probs_taken, target: [B, L, K, D, atoms] (log-probs of the taken bin; projected target).
    probs_all: [B, L, K, D, bins, atoms]; probs_taken: [B, L, K, D, atoms]; demo: [B] in {0, 1}.

    - TD: cross-entropy -sum_atoms target * log p, averaged over batch, levels, positions, dims.
    - Margin (demo rows): mean over bins of max(0, margin - (Q(a_demo) - Q(b))): demo bins must
      beat every other bin by ``bc_margin``.
    - FOSD (demo rows): sum over atoms of max(0, CDF_demo - CDF_b): the demo bin's return
      distribution should stochastically dominate the others.
    """
    td = -(target * log_probs_taken).sum(-1).mean()
    q_all = (probs_all * support).sum(-1)  # [B, L, K, D, bins]
    q_taken = (probs_taken * support).sum(-1)  # [B, L, K, D]
    margin = (bc_margin - (q_taken.unsqueeze(-1) - q_all)).clamp(min=0).mean(dim=(1, 2, 3, 4))
    fosd = (probs_taken.cumsum(-1).unsqueeze(-2) - probs_all.cumsum(-1)).clamp(min=0).sum(-1).mean(dim=(1, 2, 3, 4))
    demo = demo.float()
    count = demo.sum().clamp(min=1.0)
    margin_loss = (margin * demo).sum() / count
    fosd_loss = (fosd * demo).sum() / count
    loss = td_weight * td + bc_lambda * (margin_loss + fosd_weight * fosd_loss)
    return LossOutput(
        loss,
        {
            "train/td_loss": td.detach(),
            "train/bc_margin_loss": margin_loss.detach(),
            "train/bc_fosd_loss": fosd_loss.detach(),
            "train/q_mean": q_taken.mean().detach(),
            "train/demo_fraction": demo.mean().detach(),
        },
    )
