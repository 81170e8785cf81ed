"""Builds the engine a trainer's config asks for, and keeps it in step with the learner."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from actionspace.serving.engine import Engine, EngineConfig
from actionspace.serving.hf import HFEngine

if TYPE_CHECKING:
    from actionspace.core.run import Run


def build_engine(
    config: EngineConfig, model: torch.nn.Module, tokenizer: Any, directory: str | Path, *, seed: int = 0
) -> Engine:
    """``hf`` generates with ``model`` itself (always current); ``vllm`` starts an engine on a copy of its
    weights written to ``directory``, which :func:`sync_engine` refreshes after every update."""
    if config.kind == "hf":
        return HFEngine(model, tokenizer)
    from actionspace.serving.vllm_engine import VLLMEngine

    return VLLMEngine.from_model(
        model,
        tokenizer,
        directory,
        max_model_len=config.max_model_len,
        max_num_seqs=config.max_num_seqs,
        enable_prefix_caching=config.enable_prefix_caching,
        kv_cache_gib=config.kv_cache_gib,
        gpu_memory_utilization=config.gpu_memory_utilization,
        seed=seed,
    )


def build_run_engine(config: EngineConfig, run: Run, policy: torch.nn.Module) -> Engine:
    """The engine for a trainer's ``policy`` (an `LLMPolicy`, possibly wrapped by ``run``), its vLLM copy in the
    run's ``engine/`` directory. Build it after ``run.restore()``, so that it starts from the restored weights."""
    learner: Any = run.unwrap(policy)
    return build_engine(config, learner.model, learner.tokenizer, run.output_dir / "engine", seed=run.process_seed)


def sync_engine(engine: Engine, model: torch.nn.Module, config: EngineConfig) -> dict[str, float]:
    """Pushes the learner's weights into the engine; returns timing metrics (none for HF, which shares them)."""
    sync = getattr(engine, "sync_weights", None)
    if sync is None:
        return {}
    seconds = sync(model, mode=config.sync)
    return dict(getattr(engine, "last_sync", {})) or {"sync/seconds": seconds}
