"""LLM trainers. Importing this package registers them (``trainer:`` names in configs)."""

from actionspace.trainers.aria.config import ARIAConfig
from actionspace.trainers.aria.trainer import ARIATrainer
from actionspace.trainers.sft import SFTConfig, SFTTrainer
from actionspace.trainers.sols.config import SoLSConfig
from actionspace.trainers.sols.trainer import SoLSTrainer

__all__ = ["ARIAConfig", "ARIATrainer", "SFTConfig", "SFTTrainer", "SoLSConfig", "SoLSTrainer"]
