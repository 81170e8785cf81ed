"""Control methods: a parallel trainer family on the same `core/` (configs, Run, checkpoints, CLI).

Importing this package registers the control trainers (and, through `envs/control`, our gymnasium tasks).
"""

import actionspace.envs.control  # noqa: F401
from actionspace.control.cqn_as import CQNASConfig, CQNASTrainer
from actionspace.control.genpo import GenPOConfig, GenPOTrainer
from actionspace.control.ppo import PPOConfig, PPOTrainer

__all__ = ["CQNASConfig", "CQNASTrainer", "GenPOConfig", "GenPOTrainer", "PPOConfig", "PPOTrainer"]
