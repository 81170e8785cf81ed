"""Off-policy replay with demonstrations: per-env lanes so that n-step returns and action sequences
can be read off contiguous steps of one episode.

Each env writes into its own lane of a ring buffer. A sample at (lane, t) gives:

- ``action_sequence``: a_t ... a_{t+K-1} (after an episode's end the last action repeats: those
  positions are never executed from this state, and repeating keeps the input in range),
- ``reward``: the n-step discounted return sum_{k<n'} gamma^k r_{t+k}, where n' <= n stops at the episode end,
- ``discount``: gamma^n' if the episode did not terminate within those steps, else 0 (truncation still bootstraps),
- ``next_observation``: the true observation after step t + n' - 1.

A demonstration buffer is just another ``ReplayBuffer`` filled from expert episodes; trainers sample
a fixed fraction of each batch from it and mark those rows with ``demo = 1``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch


class ReplayBuffer:
    def __init__(self, capacity: int, num_lanes: int, obs_dim: int, action_dim: int) -> None:
        self.lane_capacity = max(1, capacity // num_lanes)
        self.num_lanes = num_lanes
        shape = (num_lanes, self.lane_capacity)
        self.observations = np.zeros((*shape, obs_dim), np.float32)
        self.next_observations = np.zeros((*shape, obs_dim), np.float32)
        self.actions = np.zeros((*shape, action_dim), np.float32)
        self.rewards = np.zeros(shape, np.float32)
        self.terminated = np.zeros(shape, bool)
        self.dones = np.zeros(shape, bool)
        self.position = 0
        self.full = False

    def __len__(self) -> int:
        return self.num_lanes * (self.lane_capacity if self.full else self.position)

    def add(
        self,
        observations: np.ndarray,
        actions: np.ndarray,
        rewards: np.ndarray,
        next_observations: np.ndarray,
        terminated: np.ndarray,
        dones: np.ndarray,
    ) -> None:
        """One step of every lane (env). ``next_observations`` are the true successors (final obs at ends)."""
        p = self.position
        self.observations[:, p] = observations
        self.actions[:, p] = actions
        self.rewards[:, p] = rewards
        self.next_observations[:, p] = next_observations
        self.terminated[:, p] = terminated
        self.dones[:, p] = dones
        self.position = (p + 1) % self.lane_capacity
        self.full = self.full or self.position == 0

    def sample(
        self, batch_size: int, rng: np.random.Generator, *, n_step: int, sequence_length: int, gamma: float
    ) -> dict[str, np.ndarray]:
        horizon = max(n_step, sequence_length)
        filled = self.lane_capacity if self.full else self.position
        # Starts whose next `horizon` steps have all been written (or end an episode before that).
        valid = filled - (horizon - 1)
        if valid <= 0:
            raise ValueError(f"the replay buffer holds {filled} steps per lane; need at least {horizon}")
        lanes = rng.integers(self.num_lanes, size=batch_size)
        offsets = rng.integers(valid, size=batch_size)
        oldest = self.position if self.full else 0
        starts = (oldest + offsets) % self.lane_capacity
        steps = (starts[:, None] + np.arange(horizon)[None, :]) % self.lane_capacity  # [B, H]
        lane_index = lanes[:, None]

        dones = self.dones[lane_index, steps]  # [B, H]
        # alive[k]: step t+k belongs to the same episode as t (no episode end strictly before it).
        ended_before = np.concatenate([np.zeros((batch_size, 1), bool), np.cumsum(dones, axis=1)[:, :-1] > 0], axis=1)
        alive = ~ended_before

        # n-step return, stopping at the episode end.
        n_alive = alive[:, :n_step]
        discounts = gamma ** np.arange(n_step)
        rewards = self.rewards[lane_index, steps[:, :n_step]]
        reward = (rewards * discounts * n_alive).sum(axis=1)
        used = n_alive.sum(axis=1)  # n' in [1, n]
        last = steps[np.arange(batch_size), used - 1]
        terminated = (self.terminated[lane_index, steps[:, :n_step]] & n_alive).any(axis=1)
        discount = np.where(terminated, 0.0, gamma**used)

        # Action sequence, repeating the episode's last action past its end.
        seq_alive = alive[:, :sequence_length]
        last_alive = seq_alive.sum(axis=1) - 1
        seq_index = np.minimum(np.arange(sequence_length)[None, :], last_alive[:, None])
        seq_steps = np.take_along_axis(steps[:, :sequence_length], seq_index, axis=1)
        action_sequence = self.actions[lane_index, seq_steps]  # [B, K, A]

        return {
            "observations": self.observations[lanes, starts],
            "action_sequence": action_sequence,
            "reward": reward.astype(np.float32),
            "discount": discount.astype(np.float32),
            "next_observations": self.next_observations[lanes, last],
        }

    def state_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in _STATE}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for key in _STATE:
            setattr(self, key, state[key])


_STATE = ("observations", "next_observations", "actions", "rewards", "terminated", "dones", "position", "full")


def to_tensors(batch: dict[str, np.ndarray], device: torch.device) -> dict[str, torch.Tensor]:
    return {key: torch.as_tensor(value, device=device) for key, value in batch.items()}
