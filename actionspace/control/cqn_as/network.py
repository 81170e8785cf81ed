"""The coarse-to-fine critic over action sequences: for every level l and sequence position k it gives
a C51 return distribution for each of the B bins of each action dimension.

Input at (l, k): observation features, the centre of the interval level l chooses within at position k
(the previous level's decision), and one-hot codes of k and l. A GRU runs over the K positions, so the
value of a_{t+k} is conditioned on the earlier positions of the sequence. Dueling heads split a
per-dimension value stream from a per-bin advantage stream (advantages centred over bins).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from actionspace.control.cqn_as.discretize import level_centres, zoom_in


class Stream(nn.Module):
    def __init__(self, in_dim: int, hidden: int, out_dim: int) -> None:
        super().__init__()
        self.mlp = nn.Sequential(
            nn.Linear(in_dim, hidden, bias=False),
            nn.LayerNorm(hidden),
            nn.SiLU(),
            nn.Linear(hidden, hidden, bias=False),
            nn.LayerNorm(hidden),
            nn.SiLU(),
        )
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
        self.head = nn.Linear(hidden, out_dim)
        # Zero heads: every bin starts with the same (uniform) return distribution.
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # [N, K, in] -> [N, K, out]
        return self.head(self.gru(self.mlp(x))[0])


class CoarseToFineCritic(nn.Module):
    support: torch.Tensor

    def __init__(
        self,
        obs_dim: int,
        action_dim: int,
        *,
        sequence_length: int,
        levels: int,
        bins: int,
        atoms: int,
        v_min: float,
        v_max: float,
        hidden: int = 128,
        feature_dim: int = 64,
    ) -> None:
        super().__init__()
        self.action_dim, self.sequence_length, self.levels, self.bins, self.atoms = (
            action_dim,
            sequence_length,
            levels,
            bins,
            atoms,
        )
        self.register_buffer("support", torch.linspace(v_min, v_max, atoms))
        self.encoder = nn.Sequential(nn.Linear(obs_dim, feature_dim), nn.LayerNorm(feature_dim), nn.Tanh())
        in_dim = feature_dim + action_dim + sequence_length + levels
        self.value = Stream(in_dim, hidden, action_dim * atoms)
        self.advantage = Stream(in_dim, hidden, action_dim * bins * atoms)

    def _logits(self, features: torch.Tensor, centres: torch.Tensor, level_ids: torch.Tensor) -> torch.Tensor:
        """features [N, F], centres [N, K, D], level_ids [N] -> logits [N, K, D, bins, atoms]."""
        n, k = centres.shape[0], self.sequence_length
        position = torch.eye(k, device=centres.device).expand(n, k, k)
        level = F.one_hot(level_ids, self.levels).to(centres.dtype)[:, None, :].expand(n, k, self.levels)
        x = torch.cat([features[:, None, :].expand(n, k, features.shape[-1]), centres, position, level], dim=-1)
        value = self.value(x).view(n, k, self.action_dim, 1, self.atoms)
        advantage = self.advantage(x).view(n, k, self.action_dim, self.bins, self.atoms)
        return value + advantage - advantage.mean(dim=-2, keepdim=True)

    def forward(self, observations: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
        """Logits [B, L, K, D, bins, atoms] for the action sequence given by bin ``indices`` [B, K, L, D]."""
        b, levels = observations.shape[0], self.levels
        centres = level_centres(indices, bins=self.bins)  # [B, K, L, D]
        centres = centres.permute(0, 2, 1, 3).reshape(b * levels, self.sequence_length, self.action_dim)
        features = self.encoder(observations).repeat_interleave(levels, dim=0)
        level_ids = torch.arange(levels, device=observations.device).repeat(b)
        logits = self._logits(features, centres, level_ids)
        return logits.view(b, levels, self.sequence_length, self.action_dim, self.bins, self.atoms)

    def q_values(self, logits: torch.Tensor) -> torch.Tensor:
        return (logits.softmax(-1) * self.support).sum(-1)

    @torch.no_grad()
    def greedy(self, observations: torch.Tensor) -> torch.Tensor:
        """Greedy bin indices [B, K, L, D]: level by level, each zooming into its best bin."""
        b = observations.shape[0]
        features = self.encoder(observations)
        low = torch.full((b, self.sequence_length, self.action_dim), -1.0, device=observations.device)
        high = torch.ones_like(low)
        chosen = []
        for level in range(self.levels):
            level_ids = torch.full((b,), level, dtype=torch.long, device=observations.device)
            q = self.q_values(self._logits(features, (low + high) / 2, level_ids))  # [B, K, D, bins]
            index = q.argmax(-1)
            chosen.append(index)
            low, high = zoom_in(low, high, index.to(low.dtype), self.bins)
        return torch.stack(chosen, dim=-2)
