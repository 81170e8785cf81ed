"""GenPO: a flow (diffusion-style) policy trained with PPO through an exactly invertible coupled map."""

from actionspace.control.genpo.config import GenPOConfig
from actionspace.control.genpo.flow import CoupledFlow
from actionspace.control.genpo.trainer import GenPOTrainer

__all__ = ["CoupledFlow", "GenPOConfig", "GenPOTrainer"]
