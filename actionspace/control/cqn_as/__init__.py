"""CQN-AS: coarse-to-fine Q-learning over action sequences (CQN is the K = 1 case)."""

from actionspace.control.cqn_as.config import CQNASConfig
from actionspace.control.cqn_as.trainer import CQNASTrainer

__all__ = ["CQNASConfig", "CQNASTrainer"]
