"""On-policy rollout storage and generalized advantage estimation (GAE).

Time-limit truncation is handled exactly: each step stores the value of its *true* successor state
(``next_values``: the final observation when an episode ended, else the next observation), and
bootstrapping is cut only on termination, while the GAE recursion is cut on any episode end.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch


def compute_gae(
    rewards: torch.Tensor,
    values: torch.Tensor,
    next_values: torch.Tensor,
    terminated: torch.Tensor,
    dones: torch.Tensor,
    *,
    gamma: float,
    gae_lambda: float,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Advantages and returns for [T, N] tensors.

    delta_t = r_t + gamma * (1 - terminated_t) * V(s'_t) - V(s_t)
    A_t     = delta_t + gamma * lambda * (1 - done_t) * A_{t+1}
    returns = A + V
    where s'_t is the true successor of step t and done_t = terminated_t or truncated_t.
    """
    steps = rewards.shape[0]
    advantages = torch.zeros_like(rewards)
    running = torch.zeros_like(rewards[0])
    not_terminated = 1.0 - terminated.float()
    not_done = 1.0 - dones.float()
    for t in reversed(range(steps)):
        delta = rewards[t] + gamma * not_terminated[t] * next_values[t] - values[t]
        running = delta + gamma * gae_lambda * not_done[t] * running
        advantages[t] = running
    return advantages, advantages + values


class RolloutBuffer:
    """Fixed-size [steps, envs] storage for one on-policy iteration."""

    def __init__(self, steps: int, num_envs: int, obs_dim: int, stored_action_dim: int, device: torch.device):
        shape = (steps, num_envs)
        self.steps, self.num_envs = steps, num_envs
        self.observations = torch.zeros(*shape, obs_dim, device=device)
        self.actions = torch.zeros(*shape, stored_action_dim, device=device)
        self.log_probs = torch.zeros(shape, device=device)
        self.rewards = torch.zeros(shape, device=device)
        self.values = torch.zeros(shape, device=device)
        self.next_values = torch.zeros(shape, device=device)
        self.terminated = torch.zeros(shape, device=device)
        self.dones = torch.zeros(shape, device=device)
        self.advantages = torch.zeros(shape, device=device)
        self.returns = torch.zeros(shape, device=device)

    def finish(self, *, gamma: float, gae_lambda: float) -> None:
        self.advantages, self.returns = compute_gae(
            self.rewards, self.values, self.next_values, self.terminated, self.dones, gamma=gamma, gae_lambda=gae_lambda
        )

    def minibatches(self, size: int, generator: torch.Generator | None = None) -> Iterator[dict[str, torch.Tensor]]:
        """Shuffled minibatches of the flattened [steps * envs] data."""
        flat = {
            "observations": self.observations.flatten(0, 1),
            "actions": self.actions.flatten(0, 1),
            "log_probs": self.log_probs.flatten(),
            "values": self.values.flatten(),
            "advantages": self.advantages.flatten(),
            "returns": self.returns.flatten(),
        }
        total = self.steps * self.num_envs
        order = torch.randperm(total, generator=generator, device="cpu").to(self.observations.device)
        for start in range(0, total, size):
            index = order[start : start + size]
            yield {key: value[index] for key, value in flat.items()}
