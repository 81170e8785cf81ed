"""Gaussian PPO, the control family's reference, and the on-policy trainer GenPO shares."""

from actionspace.control.ppo.config import PPOConfig
from actionspace.control.ppo.trainer import OnPolicyTrainer, PPOTrainer

__all__ = ["OnPolicyTrainer", "PPOConfig", "PPOTrainer"]
