"""Learner throughput (transitions/s) of the SoLS update vs TRL's GRPOTrainer doing an update, on the same
tiny model, the same batch of simphone (prompt, action) pairs and the same optimiser, in one run.

    python benchmarks/bench_learner.py                   # batch 16, 20 timed updates each, 2 threads
    python benchmarks/bench_learner.py --batch 32 --updates 10

"An update" is what each trainer does with a batch of already-generated completions:
- ours: `LLMPolicy` scores (log pi summed over the action, V(s)), `sols_loss`, backward, AdamW step.
- TRL: `GRPOTrainer.compute_loss` on the inputs its generation step would have produced (left-padded
  prompts, right-padded completions, advantages, old log-probs), backward, the same AdamW step.
Generation is excluded from both (ours goes through the engine; TRL's through its own generate or vLLM).
Both sides alternate, after a warm-up, so that drift on a shared machine hits both equally. The script
checks that both updates moved the weights.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import write_result  # noqa: E402


def simphone_batch(tokenizer, size: int) -> tuple[list[str], list[list[int]]]:
    """Real prompts and oracle actions from held-out simphone steps."""
    from actionspace.core.registry import DATASETS
    from actionspace.envs.gui import simphone  # noqa: F401  (registers the data set)

    examples = DATASETS.get("simphone_demos")().examples("test", size, 0)
    prompts = [
        tokenizer.apply_chat_template(e["messages"][:1], tokenize=False, add_generation_prompt=True) for e in examples
    ]
    actions = [
        tokenizer(e["messages"][1]["content"], add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
        for e in examples
    ]
    return prompts, actions


def sols_update(policy, optimizer, prompts, actions, behaviour, successes):
    from actionspace.trainers.sols.losses import sols_loss

    scores = policy(prompts, actions)
    output = sols_loss(scores.logprobs, behaviour, scores.values, successes, clip_eps=0.2, value_coef=0.5)
    output.loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


def grpo_setup(model, tokenizer, batch: int, max_completion: int):
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    args = GRPOConfig(
        output_dir=tempfile.mkdtemp(prefix="bench-grpo-"),
        per_device_train_batch_size=batch,
        num_generations=batch,
        max_completion_length=max_completion,
        learning_rate=1e-5,
        report_to=[],
        use_cpu=True,
        bf16=False,
        logging_steps=1_000_000,
        save_strategy="no",
    )
    data = Dataset.from_list([{"prompt": "hi"}] * batch)
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=lambda completions, **_: [0.0] * len(completions),
        args=args,
        train_dataset=data,
        processing_class=tokenizer,
    )
    trainer.create_optimizer()
    trainer.current_gradient_accumulation_steps = 1  # what Trainer.train sets before each step
    return trainer


def grpo_inputs(tokenizer, prompts, actions, advantages):
    import torch

    prompt_ids = [tokenizer(p, add_special_tokens=False)["input_ids"] for p in prompts]
    width_p = max(map(len, prompt_ids))
    width_c = max(map(len, actions))
    pad = tokenizer.pad_token_id
    inputs = {
        "prompt_ids": torch.tensor([[pad] * (width_p - len(p)) + p for p in prompt_ids]),  # left-padded
        "prompt_mask": torch.tensor([[0] * (width_p - len(p)) + [1] * len(p) for p in prompt_ids]),
        "completion_ids": torch.tensor([a + [pad] * (width_c - len(a)) for a in actions]),  # right-padded
        "completion_mask": torch.tensor([[1] * len(a) + [0] * (width_c - len(a)) for a in actions]),
        "advantages": advantages,
        "num_items_in_batch": torch.tensor(float(sum(map(len, actions)))),
    }
    return inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    import torch

    from actionspace.agents.policy import LLMPolicy
    from actionspace.core.models import ModelConfig, load_model

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model, tokenizer = load_model(ModelConfig(size="tiny"))
    prompts, actions = simphone_batch(tokenizer, args.batch)
    behaviour = torch.full((args.batch,), -5.0)
    successes = torch.tensor([float(i % 2) for i in range(args.batch)])
    advantages = successes - successes.mean()

    policy = LLMPolicy(copy.deepcopy(model), tokenizer).train()
    ours_optimizer = torch.optim.AdamW([p for p in policy.parameters() if p.requires_grad], lr=1e-5)
    trainer = grpo_setup(copy.deepcopy(model), tokenizer, args.batch, max(map(len, actions)))
    trl_model = trainer.model.train()
    inputs = grpo_inputs(tokenizer, prompts, actions, advantages)

    def trl_update() -> None:
        loss = trainer.compute_loss(trl_model, inputs)
        loss.backward()
        trainer.optimizer.step()
        trainer.optimizer.zero_grad(set_to_none=True)

    def ours_update() -> None:
        sols_update(policy, ours_optimizer, prompts, actions, behaviour, successes)

    times: dict[str, list[float]] = {"SoLS update (ours)": [], "TRL GRPOTrainer update": []}
    for step in range(args.warmup + args.updates):
        for name, update in (("SoLS update (ours)", ours_update), ("TRL GRPOTrainer update", trl_update)):
            start = time.perf_counter()
            update()
            if step >= args.warmup:
                times[name].append(time.perf_counter() - start)

    # Both really updated: their weights moved away from the shared starting point.
    start_weight = model.model.embed_tokens.weight
    for name, moved in (
        ("ours", policy.model.model.embed_tokens.weight),
        ("TRL", trl_model.model.embed_tokens.weight),
    ):
        if torch.equal(moved.detach(), start_weight.detach()):
            raise SystemExit(f"{name}'s update left the weights unchanged: the comparison would be meaningless")

    tokens = sum(len(tokenizer(p, add_special_tokens=False)["input_ids"]) for p in prompts) + sum(map(len, actions))
    trl_rate = args.batch / statistics.median(times["TRL GRPOTrainer update"])
    lines = [
        f"One update on a batch of {args.batch} simphone (prompt, action) pairs ({tokens / args.batch:.0f} tokens per "
        f"pair on average), tiny model ({sum(p.numel() for p in model.parameters()) / 1e6:.1f}M), AdamW, "
        f"{args.threads} threads; median of {args.updates} updates after {args.warmup} warm-up.",
        "",
        "| learner | s per update | transitions/s | vs TRL |",
        "|---|---|---|---|",
    ]
    results = {}
    for name, values in times.items():
        median = statistics.median(values)
        rate = args.batch / median
        results[name] = {"seconds_per_update": median, "transitions_per_s": rate, "all_seconds": values}
        lines.append(f"| {name} | {median:.3f} | {rate:.1f} | {rate / trl_rate:.2f}x |")
    table = "\n".join(lines)
    print(table)
    path = write_result("bench_learner", {"args": vars(args), "results": results, "table": table})
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
