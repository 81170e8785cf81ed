"""`LLMPolicy`: a causal LM (optionally with LoRA) plus a value head, scoring whole actions.

The learner-side view of a language policy, as actor-critic methods (SoLS, PPO, A2C) need it: for a
batch of (prompt, action) pairs, one forward pass gives

    log pi(a|s) = sum of the action's token log-probabilities      (B,)
    V(s)        = sigmoid(w . h_last_prompt_token + b)              (B,)

V reads the hidden state of the last prompt token, so it depends on the state only (the SoLS paper's
critic; returns are binary success, hence the sigmoid). Generation goes through an engine; this class
recomputes what the engine reported, so the two can be compared (log-prob parity).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn


@dataclass
class ActionScores:
    logprobs: torch.Tensor
    """(B,) sum of the action tokens' log-probabilities under the current policy."""
    values: torch.Tensor
    """(B,) V(s) in (0, 1)."""
    num_tokens: torch.Tensor
    """(B,) action lengths in tokens."""
    token_logprobs: torch.Tensor
    """(B, T) every position's log-probability of its next token; read it through ``action_mask``."""
    action_mask: torch.Tensor
    """(B, T) True where ``token_logprobs`` is an action token's (contiguous, in generation order)."""

    def action_token_logprobs(self) -> list[list[float]]:
        """Each action's per-token log-probabilities, in order (detached)."""
        return [row[mask].tolist() for row, mask in zip(self.token_logprobs.detach(), self.action_mask, strict=True)]


class LLMPolicy(nn.Module):
    """Args:
    model: a causal LM (a peft model for LoRA training); its hidden size sizes the value head.
    tokenizer: the model's tokenizer; prompts are rendered with its chat template elsewhere.
    """

    def __init__(self, model: nn.Module, tokenizer: Any) -> None:
        super().__init__()
        self.model = model
        self.tokenizer = tokenizer
        config: Any = model.config  # a transformers PretrainedConfig
        hidden = int(config.hidden_size)
        self.value_head = nn.Linear(hidden, 1)
        # Start V(s) at 0.5 with small weights: an untrained critic should not claim certainty.
        nn.init.normal_(self.value_head.weight, std=1.0 / hidden)
        nn.init.zeros_(self.value_head.bias)

    def encode(self, prompts: list[str], actions: list[list[int]]) -> dict[str, torch.Tensor]:
        """Right-padded ``prompt + action`` ids, with the action's positions and the last prompt index.

        ``actions`` are token ids (as the engine generated them), so that a log-prob is recomputed for
        exactly the tokens sampled, not for a re-tokenisation of the decoded text.
        """
        rows, action_spans = [], []
        for prompt, action_ids in zip(prompts, actions, strict=True):
            prompt_ids = self.tokenizer(prompt, add_special_tokens=False)["input_ids"]
            rows.append(prompt_ids + list(action_ids))
            action_spans.append((len(prompt_ids), len(prompt_ids) + len(action_ids)))
        width = max(len(row) for row in rows)
        pad = self.tokenizer.pad_token_id
        input_ids = torch.full((len(rows), width), pad, dtype=torch.long)
        attention_mask = torch.zeros((len(rows), width), dtype=torch.long)
        action_mask = torch.zeros((len(rows), width), dtype=torch.bool)
        last_prompt = torch.zeros(len(rows), dtype=torch.long)
        for i, (row, (start, end)) in enumerate(zip(rows, action_spans, strict=True)):
            input_ids[i, : len(row)] = torch.tensor(row)
            attention_mask[i, : len(row)] = 1
            action_mask[i, start:end] = True
            last_prompt[i] = start - 1
        return {
            "input_ids": input_ids,
            "attention_mask": attention_mask,
            "action_mask": action_mask,
            "last_prompt": last_prompt,
        }

    def forward(self, prompts: list[str], actions: list[list[int]]) -> ActionScores:
        """Same as :meth:`score`; calling the module (not ``score``) is what DDP synchronises."""
        return self.score(prompts, actions)

    def score(self, prompts: list[str], actions: list[list[int]]) -> ActionScores:
        """log pi(a|s) and V(s) for each (prompt, action token ids) pair, in one forward pass."""
        device = next(self.parameters()).device
        batch = {key: value.to(device) for key, value in self.encode(prompts, actions).items()}
        output = self.model(
            input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], output_hidden_states=True
        )
        # Position t predicts token t + 1: the log-prob of token t comes from the logits at t - 1.
        token_logprobs = output.logits[:, :-1].float().log_softmax(-1)
        token_logprobs = token_logprobs.gather(-1, batch["input_ids"][:, 1:, None]).squeeze(-1)
        action_mask = batch["action_mask"][:, 1:]
        logprobs = (token_logprobs * action_mask).sum(-1)
        hidden = output.hidden_states[-1]
        last = hidden[torch.arange(hidden.shape[0], device=device), batch["last_prompt"]]
        values = torch.sigmoid(self.value_head(last.float())).squeeze(-1)
        return ActionScores(logprobs, values, action_mask.sum(-1), token_logprobs, action_mask)
