"""The embedded default, end to end (`make run`): the tiny model, SFT on a few oracle demonstrations, then
SoLS + STR on the simulated phone, evaluated greedily on held-out test tasks before and after RL.

    python scripts/default_run.py [--root runs/default] [--sft KEY=VALUE ...] [--sols KEY=VALUE ...]

It runs the two recipes a user would run by hand,
    actionspace train configs/sft_simphone.yaml
    actionspace train configs/sols_simphone.yaml model.path=<the SFT run>/model
then prints SFT vs SoLS + STR with intervals and points to the learning curve (learning_curve.png).
SoLS runs MAKE_RUN_ITERATIONS of the recipe's iterations, so that `make run` takes under 10 minutes on 2
cores; `--sols iterations=20` runs the recipe's full budget (the benchmark's, docs/sols.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path

from actionspace.cli import main as actionspace
from actionspace.eval.report import format_table

# Four passes over each batch (the recipe's epochs) make an iteration about 31 s on 2 cores; on seed 0,
# greedy success is already at its 20-iteration level by iteration 10 (docs/sols.md).
MAKE_RUN_ITERATIONS = 10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default="runs/default", help="where the two runs go, under a timestamp")
    parser.add_argument("--sft", nargs="*", default=[], metavar="KEY=VALUE", help="overrides of the SFT recipe")
    parser.add_argument("--sols", nargs="*", default=[], metavar="KEY=VALUE", help="overrides of the SoLS recipe")
    args = parser.parse_args()
    root = Path(args.root) / datetime.now().strftime("%Y%m%d-%H%M%S")
    started = time.perf_counter()

    print(f"[1/2] SFT of the tiny model on oracle demonstrations -> {root / 'sft'}", flush=True)
    if code := actionspace(["train", "configs/sft_simphone.yaml", f"run.dir={root / 'sft'}", *args.sft]):
        return code
    print(f"\n[2/2] SoLS + STR on simphone from the SFT policy -> {root / 'sols'}", flush=True)
    if code := actionspace(
        [
            "train",
            "configs/sols_simphone.yaml",
            f"model.path={root / 'sft' / 'model'}",
            f"run.dir={root / 'sols'}",
            f"iterations={MAKE_RUN_ITERATIONS}",
        ]
        + args.sols  # later overrides win
    ):
        return code

    results = json.loads((root / "sols" / "results.json").read_text())
    before, after = (results[next(k for k in results if k.startswith(label))] for label in ("before", "after"))
    iterations = next(k for k in results if k.startswith("after")).split("step ")[-1].rstrip(")")
    rows = {"SFT (the starting policy)": before, f"SoLS + STR ({iterations} iterations)": after}
    minutes = (time.perf_counter() - started) / 60
    print("\n" + format_table(rows, title="Embedded default: greedy success on held-out simphone test tasks"))
    print(f"\nlearning curve: {root / 'sols' / 'learning_curve.png'}")
    print(f"policy: {root / 'sols' / 'model'}  (serve it: actionspace serve {root / 'sols' / 'model'})")
    print(f"total time: {minutes:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
