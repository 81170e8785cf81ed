"""The SFT loss: next-token negative log-likelihood over the tokens that are trained on."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from actionspace.core.losses import LossOutput

IGNORE_INDEX = -100


def sft_loss(logits: torch.Tensor, labels: torch.Tensor) -> LossOutput:
    """Mean next-token NLL over positions whose label is not ``IGNORE_INDEX``.

    Args:
        logits: (B, T, V) model outputs; position t predicts token t + 1.
        labels: (B, T) token ids, ``IGNORE_INDEX`` where nothing is learned (prompt, padding).

    Returns:
        ``loss`` and the diagnostic ``token_accuracy`` (greedy next-token hits among trained positions).
    """
    if logits.shape[:2] != labels.shape:
        raise ValueError(f"logits {tuple(logits.shape)} and labels {tuple(labels.shape)} disagree on (B, T)")
    predictions = logits[:, :-1].float()
    targets = labels[:, 1:]
    loss = F.cross_entropy(
        predictions.reshape(-1, predictions.shape[-1]), targets.reshape(-1), ignore_index=IGNORE_INDEX
    )
    mask = targets != IGNORE_INDEX
    hits = (predictions.argmax(-1) == targets) & mask
    accuracy = hits.sum() / mask.sum().clamp(min=1)
    return LossOutput(loss, {"token_accuracy": accuracy.detach()})
