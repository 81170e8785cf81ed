"""Engines that turn prompts into completions with log-probabilities: HF generate (always available), vLLM
in-process (`vllm_engine`), and any OpenAI-compatible endpoint (`client`); `server` serves a policy."""

from actionspace.serving.engine import ChatEngine, Engine, EngineConfig, Generation, SamplingParams
from actionspace.serving.hf import HFEngine

__all__ = ["ChatEngine", "Engine", "EngineConfig", "Generation", "HFEngine", "SamplingParams"]
