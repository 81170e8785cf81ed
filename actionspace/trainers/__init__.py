"""LLM trainers. Importing this package registers them (``trainer:`` names in configs)."""

from actionspace.trainers.sft import SFTConfig, SFTTrainer

__all__ = ["SFTConfig", "SFTTrainer"]
