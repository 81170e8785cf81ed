"""Does ARIA's aggregation dilute the penalty of an absurd offer? On bargaining, for each seed's SFT buyer:
one self-play batch (the trainer's own, as its first iteration plays it), the moves that name a price above
any list price the game posts, and how much of their (scaled) return survives as ARIA's R~ and A~.

    python benchmarks/aria_outlier_credit.py --sft-from <dir> --seeds 3 --set return_scale_quantile=0.9

<dir> holds aria_table.py's SFT policies, <dir>/sft-bargaining-<seed>/model. The question behind it: the
sentence encoder places "I offer $45." about as close to "I offer $4500000." as to "How about $40?", so an
absurd offer might share an intention with ordinary ones and its penalty be averaged away. Aggregation is
over (history cluster, action cluster) pairs, finer than the action clusters alone; this measures what
survives there. Writes benchmarks/results/aria_outlier_credit.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import write_result  # noqa: E402
from recipes import open_trainer  # noqa: E402

# The seller's cost is below $500 and its list price at most 1.7 x cost: no sane offer exceeds $850.
ABSURD_PRICE = 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sft-from", type=Path, required=True, help="<dir>/sft-bargaining-<seed>/model per seed")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="an ARIA config override")
    args = parser.parse_args()
    missing = [s for s in range(args.seeds) if not (args.sft_from / f"sft-bargaining-{s}" / "model").is_dir()]
    if missing:
        raise SystemExit(f"no SFT policy {args.sft_from}/sft-bargaining-<seed>/model for seeds {missing}")

    rows = [measure(args.sft_from / f"sft-bargaining-{seed}" / "model", seed, args.set) for seed in range(args.seeds)]
    print("\n| seed | moves | absurd moves | their return (scaled) | their R~ | their A~ | k (k_max) |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['seed']} | {row['moves']} | {row['absurd_moves']} | {row['absurd_return']:.2f} | "
            f"{row['absurd_r_tilde']:.2f} ({row['r_tilde_kept']:.0%}) | {row['absurd_a_tilde']:.2f} "
            f"({row['a_tilde_kept']:.0%}) | {row['k']} ({row['k_max']}) |"
        )
    write_result("aria_outlier_credit", {"args": vars(args) | {"sft_from": str(args.sft_from)}, "rows": rows})


def measure(policy: Path, seed: int, overrides: list[str]) -> dict:
    """One self-play batch of ``policy``, and the mean return, R~ and A~ of its absurd offers."""
    from actionspace.envs.language.bargaining import parse_price_message

    overrides = [f"model.path={policy}", f"run.seed={seed}", *overrides]
    with open_trainer("configs/aria_bargaining.yaml", overrides, threads=2) as (trainer, _):
        config = trainer.config
        samples, _ = trainer.self_play(0)
        advantage = {}
        for name, method, baseline in (
            ("return", "reinforce", False),
            ("r_tilde", "aria", False),
            ("a_tilde", "aria", True),
        ):
            trainer.config = dataclasses.replace(config, advantage=method, history_baseline=baseline)
            advantage[name], metrics = trainer.advantages(samples)
    moves = [parse_price_message(s.transition.action_text) for s in samples]
    absurd = np.array([m.kind in ("offer", "accept") and (m.value or 0) > ABSURD_PRICE for m in moves])
    mean = {name: float(values[absurd].mean()) if absurd.any() else float("nan") for name, values in advantage.items()}
    return {
        "seed": seed,
        "moves": len(samples),
        "absurd_moves": int(absurd.sum()),
        "absurd_texts": [s.transition.action_text for s, a in zip(samples, absurd, strict=True) if a],
        "absurd_return": mean["return"],
        "absurd_r_tilde": mean["r_tilde"],
        "absurd_a_tilde": mean["a_tilde"],
        "r_tilde_kept": mean["r_tilde"] / mean["return"],
        "a_tilde_kept": mean["a_tilde"] / mean["return"],
        "other_return": float(advantage["return"][~absurd].mean()),
        "other_a_tilde": float(advantage["a_tilde"][~absurd].mean()),
        "k": int(metrics["train/k"]),
        "k_max": config.k_max,
    }


if __name__ == "__main__":
    main()
