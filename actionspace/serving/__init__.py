"""Engines that turn prompts into completions with log-probabilities (HF generate now; vLLM later)."""

from actionspace.serving.engine import Engine, Generation, SamplingParams
from actionspace.serving.hf import HFEngine

__all__ = ["Engine", "Generation", "HFEngine", "SamplingParams"]
