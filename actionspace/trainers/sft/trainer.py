"""Supervised fine-tuning of a causal-LM policy on chat examples, on the shared `Run` infrastructure.

Why not TRL's ``SFTTrainer`` itself: it is a ``transformers.Trainer``, which creates its own Accelerator,
writes its own (non-atomic) checkpoints and logs through its own callbacks, so it would be the one
trainer in the project outside `Run`, and the SoLS baselines must train SFT on the same data path as
the RL methods. We keep TRL where it fits: its chat data conventions (``messages``, assistant-only
loss) and its ``DataCollatorForLanguageModeling`` for padding.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from transformers import get_scheduler

from actionspace.core.batching import batch_indices, process_shard
from actionspace.core.config import ConfigError
from actionspace.core.history import EvalHistory
from actionspace.core.models import load_model
from actionspace.core.registry import TRAINERS
from actionspace.core.run import Run
from actionspace.data.instructions import Example, InstructionData, JsonlMessages
from actionspace.eval.instructions import evaluate_instructions
from actionspace.serving.hf import HFEngine
from actionspace.trainers.sft.config import SFTConfig
from actionspace.trainers.sft.losses import IGNORE_INDEX, sft_loss


@TRAINERS.register("sft")
class SFTTrainer:
    """Fine-tunes ``model`` on ``data``; ``train()`` returns before/after test metrics.

    Args:
        config: the SFT config.
        run: the run that owns the accelerator, checkpoints and logging.
        model: a causal LM (optionally a peft model).
        tokenizer: its tokenizer, with a chat template.
        data: the instruction data set.
    """

    config_class = SFTConfig

    @property
    def results_title(self) -> str:
        return f"held-out {self.config.data.name} examples"

    def __init__(
        self, config: SFTConfig, run: Run, *, model: torch.nn.Module, tokenizer: Any, data: InstructionData
    ) -> None:
        self.config = config
        self.run = run
        self.model = model
        self.tokenizer = tokenizer
        self.data = data
        if config.batch_size % run.num_processes:
            raise ConfigError(f"batch_size ({config.batch_size}) must divide evenly over {run.num_processes} processes")
        self.train_features = self._tokenize(data.examples("train", config.data.num_train, config.data.seed))
        self.test_examples = data.examples("test", config.data.num_test, config.data.seed)
        self.optimizer = torch.optim.AdamW(
            [p for p in model.parameters() if p.requires_grad],
            lr=config.learning_rate,
            weight_decay=config.weight_decay,
            betas=(config.adam_beta1, config.adam_beta2),
        )
        self.scheduler = get_scheduler(
            config.lr_schedule,
            self.optimizer,
            num_warmup_steps=config.warmup_steps,
            num_training_steps=config.max_steps,
        )
        self.history = EvalHistory()
        from trl.trainer.sft_trainer import DataCollatorForLanguageModeling

        self.collate = DataCollatorForLanguageModeling(pad_token_id=tokenizer.pad_token_id)

    @classmethod
    def from_config(cls, config: SFTConfig, run: Run) -> SFTTrainer:
        model, tokenizer = load_model(config.model)
        data = JsonlMessages(config.data.path) if config.data.path else config.data.build()
        return cls(config, run, model=model, tokenizer=tokenizer, data=data)

    # ----------------------------------------------------------------------------------------------
    def train(self) -> dict[str, dict[str, float]]:
        """Runs (or resumes) training; returns ``{"before": ..., "after": ...}`` test metrics."""
        run, config = self.run, self.config
        self.model, self.optimizer = run.prepare(self.model, self.optimizer)
        run.register_for_checkpointing(self.scheduler, self.history)
        if run.restore() == 0 and config.eval_before_training:
            self.history.before = self.evaluate()
            run.log(_prefixed(self.history.before), step=0)
        self.model.train()
        for step in run.steps(config.max_steps):
            diagnostics = self._train_step(step)
            if run.should_log():
                run.log(
                    {name: run.accelerator.reduce(value, reduction="mean") for name, value in diagnostics.items()}
                    | {"train/learning_rate": self.scheduler.get_last_lr()[0]}
                )
            if config.eval_every and run.step % config.eval_every == 0 and run.step < config.max_steps:
                run.log(_prefixed(self.evaluate()))
        after = self.evaluate()
        run.log(_prefixed(after))
        self.save_pretrained()
        return {"before": self.history.before, "after": after}

    def _train_step(self, step: int) -> dict[str, torch.Tensor]:
        config, accelerator = self.config, self.run.accelerator
        indices = batch_indices(len(self.train_features), config.batch_size, step, seed=self.run.config.seed)
        batch = self.collate(
            [self.train_features[i] for i in process_shard(indices, self.run.process_index, self.run.num_processes)]
        )
        batch = {key: value.to(self.run.device) for key, value in batch.items()}
        logits = self.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        output = sft_loss(logits, batch["labels"])
        if not self.run.finite_everywhere(output.loss):
            self.run.print(f"warning: non-finite loss at step {step}; skipping the update")
            self.optimizer.zero_grad(set_to_none=True)
            return {"train/skipped_nonfinite": torch.ones(())}
        accelerator.backward(output.loss)
        grad_norm = (
            accelerator.clip_grad_norm_(self.model.parameters(), config.max_grad_norm)
            if config.max_grad_norm > 0
            else torch.zeros(())
        )
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        return {"train/loss": output.loss.detach(), "train/grad_norm": torch.as_tensor(grad_norm).detach()} | {
            f"train/{name}": value for name, value in output.diagnostics.items()
        }

    # ----------------------------------------------------------------------------------------------
    def evaluate(self, examples: list[Example] | None = None) -> dict[str, float]:
        """Greedy answers to held-out prompts, scored by the data set (on the main process; {} elsewhere)."""
        metrics: dict[str, float] = {}
        if self.run.is_main:
            engine = HFEngine(self.run.unwrap(self.model), self.tokenizer, batch_size=self.config.eval_batch_size)
            metrics = evaluate_instructions(
                engine,
                self.render_prompt,
                self.data,
                self.test_examples if examples is None else examples,
                max_new_tokens=self.config.eval_max_new_tokens,
            )
        self.run.accelerator.wait_for_everyone()
        return metrics

    def render_prompt(self, example: Example) -> str:
        return self.tokenizer.apply_chat_template(example["messages"][:-1], tokenize=False, add_generation_prompt=True)

    def save_pretrained(self) -> None:
        """Exports the final policy to ``<run dir>/model`` (LoRA: the adapter to ``<run dir>/adapter`` and the
        merged model to ``model``, so ``model`` always loads on its own)."""
        if not self.run.is_main:
            self.run.accelerator.wait_for_everyone()
            return
        model: Any = self.run.unwrap(self.model)
        target = self.run.output_dir / "model"
        if hasattr(model, "merge_and_unload"):
            model.save_pretrained(self.run.output_dir / "adapter")
            # Training is over, so merging in place is safe and avoids a second copy of a large model.
            model = model.merge_and_unload()
            self.model = model
        model.save_pretrained(target)
        self.tokenizer.save_pretrained(target)
        self.run.print(f"saved the fine-tuned model to {target}")
        self.run.accelerator.wait_for_everyone()

    # ----------------------------------------------------------------------------------------------
    def _tokenize(self, examples: list[Example]) -> list[dict[str, list[int]]]:
        features, dropped = [], 0
        for example in examples:
            encoded = self.tokenizer.apply_chat_template(
                example["messages"], tokenize=True, return_dict=True, return_assistant_tokens_mask=True
            )
            input_ids = list(encoded["input_ids"])
            if len(input_ids) > self.config.max_length:
                dropped += 1
                continue
            if self.config.completion_only_loss:
                labels = [t if m else IGNORE_INDEX for t, m in zip(input_ids, encoded["assistant_masks"], strict=True)]
            else:
                labels = list(input_ids)
            features.append({"input_ids": input_ids, "labels": labels})
        if dropped:
            self.run.print(
                f"warning: dropped {dropped} training examples longer than max_length={self.config.max_length}"
            )
        if len(features) < self.config.batch_size:
            raise ConfigError(f"only {len(features)} training examples fit max_length; need at least batch_size")
        return features


def _prefixed(metrics: dict[str, float], prefix: str = "eval/") -> dict[str, float]:
    return {prefix + name: value for name, value in metrics.items() if math.isfinite(value)}
