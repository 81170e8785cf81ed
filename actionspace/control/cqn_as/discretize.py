"""Coarse-to-fine discretisation of a continuous action in [-1, 1]^D (CQN).

Each level splits the current interval of every dimension into B bins; the chosen bin becomes the
next level's interval. After L levels the action is the centre of the last interval, so L levels of
B bins resolve B^L values per dimension while every Q head only ever scores B of them.

Indices have shape [..., L, D]: the bin chosen at each level in each dimension.
"""

from __future__ import annotations

import torch


def zoom_in(low: torch.Tensor, high: torch.Tensor, index: torch.Tensor, bins: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The interval of bin ``index`` of [low, high] split into ``bins`` equal bins."""
    width = (high - low) / bins
    new_low = low + width * index
    return new_low, new_low + width


def encode_action(action: torch.Tensor, *, levels: int, bins: int) -> torch.Tensor:
    """Bin indices [..., L, D] of a continuous action [..., D] in [-1, 1]."""
    low = torch.full_like(action, -1.0)
    high = torch.full_like(action, 1.0)
    indices = []
    for _ in range(levels):
        width = (high - low) / bins
        index = ((action - low) / width).floor().clamp(0, bins - 1)
        indices.append(index)
        low, high = zoom_in(low, high, index, bins)
    return torch.stack(indices, dim=-2).long()


def decode_action(indices: torch.Tensor, *, bins: int) -> torch.Tensor:
    """The centre of the finest interval selected by ``indices`` [..., L, D]."""
    low = torch.full(indices.shape[:-2] + indices.shape[-1:], -1.0, device=indices.device)
    high = torch.ones_like(low)
    for level in range(indices.shape[-2]):
        low, high = zoom_in(low, high, indices[..., level, :].to(low.dtype), bins)
    return (low + high) / 2


def level_centres(indices: torch.Tensor, *, bins: int) -> torch.Tensor:
    """[..., L, D]: the centre of the interval each level chooses *within* (level 0: the whole range),
    i.e. the previous level's decision, which is what the critic conditions each level on."""
    low = torch.full(indices.shape[:-2] + indices.shape[-1:], -1.0, device=indices.device)
    high = torch.ones_like(low)
    centres = []
    for level in range(indices.shape[-2]):
        centres.append((low + high) / 2)
        low, high = zoom_in(low, high, indices[..., level, :].to(low.dtype), bins)
    return torch.stack(centres, dim=-2)
