"""Supervised fine-tuning (``trainer: sft``)."""

from actionspace.trainers.sft.config import DataConfig, SFTConfig
from actionspace.trainers.sft.losses import sft_loss
from actionspace.trainers.sft.trainer import SFTTrainer

__all__ = ["DataConfig", "SFTConfig", "SFTTrainer", "sft_loss"]
