"""Does one update with ARIA's R~ tip the policy over where one with raw returns does not? On bargaining, for
each seed's SFT buyer: its first self-play batch (the trainer's own, as its first iteration plays it), then,
from the same weights and optimizer state each time, one iteration's update with each advantage, and the
invalid-move rate, win rate and mean reward of the next self-play batch (the same games for every arm).

    python benchmarks/aria_one_update.py --sft-from <dir> --seeds 6 0 --learning-rates 1e-4 5e-5

<dir> holds aria_table.py's SFT policies, <dir>/sft-bargaining-<seed>/model. The settings are the bargaining
recipe's, which are the table's; ``--set`` changes them. With ``return_scale_quantile=1.0`` (returns divided
by the largest), the policy-gradient term is small beside the SFT term: seed 6 then kept 1-3% invalid moves
after one update with either advantage.

Each arm is repeated with its advantages perturbed by Gaussian noise (``--noise``, in units of the scaled
return; repeat 0 is unperturbed): an outcome that holds under every perturbation belongs to the advantage,
not to a knife edge. The question behind it: some ARIA runs on bargaining collapse to invalid text within
one iteration, and REINFORCE's runs from the same SFT policies do not. Writes
benchmarks/results/aria_one_update.json (``--result-name`` another name).
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import write_result  # noqa: E402
from recipes import open_trainer  # noqa: E402

ADVANTAGES = {"raw returns": "reinforce", "R~": "aria"}
OUTCOMES = ("invalid_rate", "win_rate", "reward_mean")  # of the next self-play batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sft-from", type=Path, required=True, help="<dir>/sft-bargaining-<seed>/model per seed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[6])
    parser.add_argument("--learning-rates", type=float, nargs="+", default=[1e-4])
    parser.add_argument("--repeats", type=int, default=3, help="perturbed repeats per arm, after the unperturbed one")
    parser.add_argument("--noise", type=float, default=0.02, help="std of the noise added to the advantages")
    parser.add_argument("--next-games", type=int, default=64, help="games in the batch that scores each update")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="an ARIA config override")
    parser.add_argument("--result-name", default="aria_one_update", help="JSON name in benchmarks/results")
    args = parser.parse_args()
    missing = [s for s in args.seeds if not (args.sft_from / f"sft-bargaining-{s}" / "model").is_dir()]
    if missing:
        raise SystemExit(f"no SFT policy {args.sft_from}/sft-bargaining-<seed>/model for seeds {missing}")

    rows: list[dict] = []
    for seed in args.seeds:  # the result is written after each seed, so a stopped run keeps the seeds it finished
        rows += measure(seed, args)
        write_result(args.result_name, {"args": vars(args) | {"sft_from": str(args.sft_from)}, "rows": rows})
    print("\n| seed | learning rate | advantage | next batch: invalid moves (per repeat) | win rate | mean reward |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        invalid = ", ".join(f"{x:.3f}" for x in row["invalid_rate"])
        print(
            f"| {row['seed']} | {row['learning_rate']:g} | {row['advantage']} | {invalid} | "
            f"{np.mean(row['win_rate']):.3f} | {np.mean(row['reward_mean']):.1f} |"
        )


def measure(seed: int, args: argparse.Namespace) -> list[dict]:
    """The arms of one seed: every learning rate x advantage, each repeated under perturbed advantages."""
    policy = args.sft_from / f"sft-bargaining-{seed}" / "model"
    overrides = [f"model.path={policy}", f"run.seed={seed}", *args.set]
    rows = []
    with open_trainer("configs/aria_bargaining.yaml", overrides, threads=2) as (trainer, _):
        config = trainer.config
        samples, first = trainer.self_play(0)
        advantages = {}
        for name, method in ADVANTAGES.items():
            trainer.config = dataclasses.replace(config, advantage=method)
            advantages[name], _ = trainer.advantages(samples)
        trainer.config = dataclasses.replace(config, games_per_iteration=args.next_games)
        start = copy.deepcopy(trainer.policy.state_dict()), copy.deepcopy(trainer.optimizer.state_dict())
        for learning_rate in args.learning_rates:
            for name, advantage in advantages.items():
                outcomes = []
                for repeat in range(args.repeats + 1):
                    noise = np.random.default_rng(repeat).normal(0.0, args.noise, advantage.shape) if repeat else 0.0
                    trainer.policy.load_state_dict(start[0])
                    trainer.optimizer.load_state_dict(start[1])
                    for group in trainer.optimizer.param_groups:
                        group["lr"] = learning_rate
                    trainer.update(samples, advantage + noise, iteration=0)
                    outcomes.append(trainer.self_play(1)[1])
                    print(f"seed {seed} lr {learning_rate:g} {name} repeat {repeat}: {outcomes[-1]}", flush=True)
                rows.append(
                    {
                        "seed": seed,
                        "learning_rate": learning_rate,
                        "advantage": name,
                        "first_batch": first,
                        **{key: [o[f"rollout/{key}"] for o in outcomes] for key in OUTCOMES},
                    }
                )
    return rows


if __name__ == "__main__":
    main()
