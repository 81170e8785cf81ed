"""Steps/s of a bare PyTorch training loop vs the same loop inside `Run` (logging, checkpoints, progress).

The step is a real one: the tiny Qwen2 policy (2.9M parameters), AdamW, a 16 x 64-token batch. The `Run`
loop logs every step to JSONL and TensorBoard, checkpoints every `--save-every` steps (model, optimizer,
RNG; atomic rename), and draws the progress bar. Bare and Run loops alternate, so drift in machine speed
hits both; the table reports the median of the repeats. Target: overhead below 5%.

    python benchmarks/bench_run_overhead.py [--steps 200] [--repeats 3] [--save-every 100]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import write_result  # noqa: E402

from actionspace.core.models import ModelConfig, load_model  # noqa: E402
from actionspace.core.run import Run, RunConfig  # noqa: E402

TARGET_OVERHEAD = 0.05


def make_problem(seed: int = 0):
    torch.manual_seed(seed)
    model, tokenizer = load_model(ModelConfig(size="tiny"))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    batch = torch.randint(3, len(tokenizer), (16, 64))
    return model, optimizer, batch


def train_step(model, optimizer, batch, backward) -> torch.Tensor:
    logits = model(input_ids=batch).logits[:, :-1]
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1))
    backward(loss)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return loss.detach()


def bare_loop(steps: int) -> float:
    model, optimizer, batch = make_problem()
    train_step(model, optimizer, batch, lambda loss: loss.backward())  # warm-up, as Run's loop gets below
    start = time.perf_counter()
    for _ in range(steps):
        train_step(model, optimizer, batch, lambda loss: loss.backward())
    return steps / (time.perf_counter() - start)


def run_loop(steps: int, save_every: int, root: Path) -> float:
    model, optimizer, batch = make_problem()
    config = RunConfig(name="overhead", root=str(root), save_every=save_every, log_every=1, progress=True)
    with Run(config, config_to_save={"benchmark": "run_overhead"}) as run:
        model, optimizer = run.prepare(model, optimizer)
        train_step(model, optimizer, batch, run.accelerator.backward)
        start = time.perf_counter()
        for _ in run.steps(steps):
            loss = train_step(model, optimizer, batch, run.accelerator.backward)
            run.log({"train/loss": loss})
        return steps / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--save-every", type=int, default=100)
    args = parser.parse_args()

    bare, inside = [], []
    with tempfile.TemporaryDirectory() as root:
        for _ in range(args.repeats):
            bare.append(bare_loop(args.steps))
            inside.append(run_loop(args.steps, args.save_every, Path(root)))
    bare_rate, run_rate = statistics.median(bare), statistics.median(inside)
    overhead = 1 - run_rate / bare_rate
    print(f"\n| loop | steps/s (median of {args.repeats}) | all repeats |")
    print("|---|---|---|")
    print(f"| bare PyTorch | {bare_rate:.2f} | {', '.join(f'{r:.2f}' for r in bare)} |")
    print(
        f"| inside Run (log every step, checkpoint every {args.save_every}, progress bar) | {run_rate:.2f} | "
        f"{', '.join(f'{r:.2f}' for r in inside)} |"
    )
    verdict = "meets" if overhead < TARGET_OVERHEAD else "MISSES"
    print(f"\noverhead: {overhead:+.1%} ({verdict} the < {TARGET_OVERHEAD:.0%} target)")
    path = write_result(
        "run_overhead",
        {
            "steps": args.steps,
            "repeats": args.repeats,
            "save_every": args.save_every,
            "model": "tiny qwen2",
            "batch": [16, 64],
            "bare_steps_per_s": bare,
            "run_steps_per_s": inside,
            "overhead": overhead,
            "target": TARGET_OVERHEAD,
            "meets_target": overhead < TARGET_OVERHEAD,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
