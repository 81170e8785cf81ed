"""`HFEngine`: batched generation with Hugging Face ``generate``, the engine that is always available."""

from __future__ import annotations

from typing import Any, Literal

import torch

from actionspace.core.registry import ENGINES
from actionspace.serving.engine import Generation, SamplingParams


@ENGINES.register("hf")
class HFEngine:
    """Generates with a (possibly peft-wrapped) causal LM in-process.

    Args:
        model: the policy's causal LM (unwrapped from DDP).
        tokenizer: its tokenizer; prompts are left-padded for batching.
        batch_size: prompts per ``generate`` call.
    """

    def __init__(self, model: torch.nn.Module, tokenizer: Any, *, batch_size: int = 32) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.batch_size = batch_size

    @torch.inference_mode()
    def generate(self, prompts: list[str], params: SamplingParams) -> list[Generation]:
        was_training = self.model.training
        self.model.eval()
        try:
            results: list[Generation] = []
            for start in range(0, len(prompts), self.batch_size):
                results.extend(self._generate_batch(prompts[start : start + self.batch_size], params))
            return results
        finally:
            self.model.train(was_training)

    def _generate_batch(self, prompts: list[str], params: SamplingParams) -> list[Generation]:
        tokenizer = self.tokenizer
        device = next(self.model.parameters()).device
        padding_side = tokenizer.padding_side
        tokenizer.padding_side = "left"  # generation continues from the right edge of every row
        try:
            encoded = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False).to(device)
        finally:
            tokenizer.padding_side = padding_side
        sampling: dict[str, Any] = (
            {"do_sample": True, "temperature": params.temperature, "top_p": params.top_p}
            if params.temperature > 0
            else {"do_sample": False}
        )
        model: Any = self.model  # a transformers model (nn.Module has no generate in its type)
        output = model.generate(
            **encoded,
            max_new_tokens=params.max_new_tokens,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
            return_dict_in_generate=True,
            output_logits=True,
            top_k=None,
            **sampling,
        )
        new_tokens = output.sequences[:, encoded["input_ids"].shape[1] :]
        # Raw logits (before temperature/top-p) give the model's own log-probabilities.
        logprobs = torch.stack(output.logits, dim=1).float().log_softmax(-1)
        chosen = logprobs.gather(-1, new_tokens.unsqueeze(-1)).squeeze(-1)
        generations = []
        for row in range(new_tokens.shape[0]):
            ids = new_tokens[row].tolist()
            finish: Literal["stop", "length"] = "length"
            if tokenizer.eos_token_id in ids:
                ids = ids[: ids.index(tokenizer.eos_token_id) + 1]
                finish = "stop"
            text = tokenizer.decode(ids, skip_special_tokens=True)
            generations.append(Generation(text, ids, chosen[row, : len(ids)].tolist(), finish))
        return generations
