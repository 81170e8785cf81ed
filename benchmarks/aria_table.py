"""ARIA's comparison on the four language games: the tiny policy's score before training (SFT on the
scripted player's games), after REINFORCE with raw returns, after ARIA (offline) and after ARIA (online),
each from the same SFT policy for the same number of self-play games, over several seeds. Prints the
table beside the paper's numbers and writes a JSON.

    python benchmarks/aria_table.py       # 4 games x 3 seeds, the budget in docs/aria_measurements.md
    python benchmarks/aria_table.py --games bargaining --seeds 1 --methods reinforce aria
    python benchmarks/aria_table.py --methods reinforce aria aria_online filtered_bc
    python benchmarks/aria_table.py --games bargaining --set temperature=0.7   # writes aria_table_custom.json
    python benchmarks/aria_table.py --quick                   # 1 seed, a tiny budget (a smoke test)
    python benchmarks/aria_table.py --from-json benchmarks/results/aria_table.json   # re-render only
    python benchmarks/aria_table.py --reevaluate benchmarks/results/aria_table_guessing.json --eval-games 256 \
        --set eval_temperature=1.0 --result-name aria_table_guessing_sampled   # the saved policies, no training
    python benchmarks/aria_table.py --games negotiation --seeds 3 --first-seed 3 ...   # seeds 3-5 only
    python benchmarks/aria_table.py --combine seeds0-2.json seeds3-5.json --result-name <name>   # one table

Each (game, seed) trains its own SFT policy (configs/sft_<game>.yaml, run.seed=seed); every method of that
seed starts from it, so "before" is that policy's step-0 evaluation (on held-out game seeds that self-play
never uses; greedy unless ``--set eval_temperature=T``). The score is the game's reward: surplus
(bargaining), the agent's value of its items (negotiation), 1 for a win (the two guessing games).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import write_result  # noqa: E402
from recipes import PAIRED_HEADER, default_workers, mean_interval, paired_row, run_all, saved_policies  # noqa: E402

GAMES = ["bargaining", "negotiation", "twenty_questions", "guess_my_city"]
METHODS = {
    "reinforce": "REINFORCE (raw returns)",
    "aria": "ARIA (offline)",
    "aria_online": "ARIA (online)",
    "filtered_bc": "filtered BC (best games)",
}
# arXiv 2506.00539, win/success % of the base model before training and after ARIA (Llama-3-8B).
PAPER = {
    "bargaining": (29.30, 58.85),
    "negotiation": (38.31, 48.80),
    "twenty_questions": (27.5, 34.5),
    "guess_my_city": (13.5, 36.0),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--games", nargs="+", default=GAMES, choices=GAMES)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0, help="seeds are first-seed .. first-seed + seeds - 1")
    parser.add_argument("--methods", nargs="+", default=["reinforce", "aria", "aria_online"], choices=list(METHODS))
    parser.add_argument("--iterations", type=int, default=2, help="self-play iterations per run")
    parser.add_argument("--games-per-iteration", type=int, default=64)
    parser.add_argument("--eval-games", type=int, default=32, help="greedy held-out games per evaluation")
    parser.add_argument("--sft-steps", type=int, default=150, help="SFT updates of the starting policy")
    parser.add_argument(
        "--sft-from",
        type=Path,
        help="reuse the SFT policies <DIR>/sft-<game>-<seed>/model of an earlier run of this script",
    )
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="an extra override of every RL run (repeatable)"
    )
    parser.add_argument(
        "--result-name", help="JSON name in benchmarks/results (default: aria_table; aria_table_custom for a subset)"
    )
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--from-json", type=Path, help="re-render the table from a saved result, no training")
    parser.add_argument(
        "--reevaluate",
        type=Path,
        help="evaluate the policies a saved result lists again (of --games), with this call's --eval-games and --set",
    )
    parser.add_argument(
        "--combine",
        type=Path,
        nargs="+",
        help="one table from saved results that differ only in their seeds (the games and methods all of them have)",
    )
    args = parser.parse_args()
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        return report(saved["summary"], saved["args"])
    if args.combine:
        return combine(args.combine, args.result_name)
    if args.reevaluate:
        return reevaluate(args)
    if args.quick:
        args.seeds, args.iterations, args.games_per_iteration, args.eval_games, args.sft_steps = 1, 1, 6, 4, 10

    root = args.sft_from or Path(tempfile.mkdtemp(prefix="aria-table-"))
    seeds = _seeds(vars(args))
    sft_jobs = [
        (
            f"sft/{game}/{seed}",
            f"configs/sft_{game}.yaml",
            [
                f"run.seed={seed}",
                f"run.dir={root}/sft-{game}-{seed}",
                f"max_steps={args.sft_steps}",
                f"warmup_steps={min(25, args.sft_steps // 4)}",
                "data.num_test=8",
            ],
        )
        for game in args.games
        for seed in seeds
        if not (root / f"sft-{game}-{seed}" / "model" / "config.json").is_file()
    ]
    run_all(sft_jobs, args.workers)
    budget = [
        f"iterations={args.iterations}",
        f"games_per_iteration={args.games_per_iteration}",
        f"eval_games={args.eval_games}",
        f"online_histories={args.games_per_iteration}",  # as many fresh moves (x online_samples) as ~recorded ones
        "run.save_every=0",
        *args.set,
    ]
    jobs = [
        (
            f"{game}/{method}/{seed}",
            f"configs/aria_{game}.yaml",
            [
                f"run.seed={seed}",
                f"model.path={root}/sft-{game}-{seed}/model",
                f"advantage={method}",
                *budget,
            ],
        )
        for game in args.games
        for seed in seeds
        for method in args.methods
    ]
    results = run_all(jobs, args.workers)
    policies = {f"{game}/before/{seed}": f"{root}/sft-{game}-{seed}/model" for game in args.games for seed in seeds}
    policies |= {label: f"{runs[0]['run_dir']}/model" for label, runs in results.items()}
    summary: dict = {}
    for game in args.games:
        runs = {m: [results[f"{game}/{m}/{s}"][0] for s in seeds] for m in args.methods}
        first = runs[args.methods[0]]
        summary[game] = {
            "before": {key: [r["before"][key] for r in first] for key in ("reward", "win_rate", "invalid_rate")},
            # Greedy evaluation of one policy on the same seeds: every method's step 0 must agree.
            "before_agrees": all(
                r[i]["before"] == first[i]["before"] for r in runs.values() for i in range(len(seeds))
            ),
        }
        for method, method_runs in runs.items():
            summary[game][method] = {
                key: [r["after"][key] for r in method_runs] for key in ("reward", "win_rate", "invalid_rate")
            } | {"k": [_last(r["records"], "train/k") for r in method_runs]}
    report(summary, vars(args) | {"from_json": None})
    write_result(
        args.result_name or ("aria_table" if not args.set and args.games == GAMES else "aria_table_custom"),
        {"args": _jsonable(vars(args)), "summary": summary, "policies": policies},
    )


def reevaluate(args: argparse.Namespace) -> None:
    """Every policy of a saved result (each seed's SFT policy, each run's final one) evaluated again through
    its trainer's ``evaluate()``, on ``--eval-games`` held-out games with the ``--set`` overrides (e.g. sampled
    play, ``eval_temperature=1.0``), and the table re-rendered from those scores."""
    saved = json.loads(args.reevaluate.read_text())
    trained = saved["args"]
    games = [game for game in trained["games"] if game in args.games]
    policies = saved_policies(saved, args.reevaluate, keep=lambda label: label.split("/")[0] in games)
    jobs = [
        (
            label,
            f"configs/aria_{label.split('/')[0]}.yaml",
            # The training run's overrides too (they may set the game), then this call's evaluation.
            [
                f"run.seed={label.split('/')[-1]}",
                f"model.path={path}",
                *trained["set"],
                f"eval_games={args.eval_games}",
                *args.set,
            ],
        )
        for label, path in policies.items()
    ]
    results = run_all(jobs, args.workers, evaluate_only=True)

    def scores(game: str, method: str) -> dict[str, list[float]]:
        after = [results[f"{game}/{method}/{seed}"][0]["after"] for seed in _seeds(trained)]
        return {key: [a[key] for a in after] for key in ("reward", "win_rate", "invalid_rate")}

    summary = {
        game: {"before": scores(game, "before"), "before_agrees": True}
        | {method: scores(game, method) | {"k": saved["summary"][game][method]["k"]} for method in trained["methods"]}
        for game in games
    }
    reevaluated = trained | {"games": games, "eval_games": args.eval_games, "set": trained["set"] + args.set}
    report(summary, reevaluated)
    write_result(
        args.result_name or f"{args.reevaluate.stem}_reevaluated",
        {
            "args": reevaluated | {"reevaluated": _jsonable(vars(args))},
            "summary": summary,
            "policies": saved["policies"],
        },
    )


def combine(paths: list[Path], result_name: str | None) -> None:
    """One table from results of the same protocol run on different seeds (e.g. seeds 0-2, then 3-5): every
    per-seed list is concatenated, in the order given. Anything else that differs fails before writing."""
    if not result_name:
        raise SystemExit("--combine needs --result-name (the combined table gets a name of its own)")
    saved = [json.loads(path.read_text()) for path in paths]
    protocol = ("iterations", "games_per_iteration", "eval_games", "sft_steps", "set")
    for path, result in zip(paths[1:], saved[1:], strict=True):
        differing = [key for key in protocol if result["args"][key] != saved[0]["args"][key]]
        if differing:
            raise SystemExit(f"{path} differs from {paths[0]} in {', '.join(differing)}: not one protocol")
    seeds = [seed for result in saved for seed in _seeds(result["args"])]
    if len(set(seeds)) != len(seeds):
        raise SystemExit(f"the results share seeds ({sorted(seeds)}): each seed must come from one of them")
    games = [g for g in saved[0]["summary"] if all(g in result["summary"] for result in saved)]
    methods = [m for m in saved[0]["args"]["methods"] if all(m in result["args"]["methods"] for result in saved)]
    summary = {
        game: {"before_agrees": all(result["summary"][game]["before_agrees"] for result in saved)}
        | {
            column: {
                key: [value for result in saved for value in result["summary"][game][column][key]]
                for key in saved[0]["summary"][game][column]
            }
            for column in ("before", *methods)
        }
        for game in games
    }
    combined = saved[0]["args"] | {"games": games, "methods": methods, "seeds": len(seeds), "seed_list": seeds}
    report(summary, combined)
    policies = {
        label: path
        for result in saved
        for label, path in result.get("policies", {}).items()
        if label.split("/")[0] in games and label.split("/")[1] in ("before", *methods)
    }
    write_result(
        result_name,
        {"args": combined | {"combined": [str(path) for path in paths]}, "summary": summary, "policies": policies},
    )


def _seeds(args: dict) -> list[int]:
    """The seeds a run of this script used (an explicit list for a combined table)."""
    if "seed_list" in args:
        return list(args["seed_list"])
    first = args.get("first_seed", 0)  # results written before --first-seed started at 0
    return list(range(first, first + args["seeds"]))


def _jsonable(args: dict) -> dict:
    return {k: str(v) if isinstance(v, Path) else v for k, v in args.items()}


def _last(records: list[dict], key: str) -> float | None:
    return next((float(r[key]) for r in reversed(records) if key in r), None)


def _cell(values: list[float]) -> str:
    mean, half = mean_interval(values)
    return f"{mean:.3f} ± {half:.3f}" if len(values) > 1 else f"{mean:.3f}"


def report(summary: dict, args: dict) -> None:
    methods = args["methods"]
    seeds = len(next(iter(summary.values()))["before"]["reward"])
    print(
        f"\n**ARIA's comparison: held-out reward (mean ± 95% t-interval over {seeds} seeds; {args['eval_games']} "
        f"{_evaluation(args)} games per evaluation), from each seed's SFT policy, {args['iterations']} iterations x "
        f"{args['games_per_iteration']} self-play games**\n"
    )
    print("| game | " + " | ".join(["before", *(METHODS[m] for m in methods)]) + " | paper: before -> ARIA (%) |")
    print("|---" * (len(methods) + 3) + "|")
    wins = 0
    for game, stats in summary.items():
        cells = [_cell(stats["before"]["reward"]), *(_cell(stats[m]["reward"]) for m in methods)]
        before, after = PAPER[game]
        print(f"| {game} | " + " | ".join(cells) + f" | {before} -> {after} |")
        if "aria" in methods and "reinforce" in methods:
            wins += _mean(stats["aria"]["reward"]) > _mean(stats["reinforce"]["reward"])
    print("\nwin rate (mean over seeds):")
    for game, stats in summary.items():
        parts = [f"before {_mean(stats['before']['win_rate']):.3f}"]
        parts += [f"{METHODS[m]} {_mean(stats[m]['win_rate']):.3f}" for m in methods]
        print(f"  {game}: " + ", ".join(parts))
    print("\ninvalid-move rate (mean over seeds):")
    for game, stats in summary.items():
        parts = [f"before {_mean(stats['before']['invalid_rate']):.3f}"]
        parts += [f"{METHODS[m]} {_mean(stats[m]['invalid_rate']):.3f}" for m in methods]
        print(f"  {game}: " + ", ".join(parts))
    if "aria" in methods and "reinforce" in methods:
        print(f"\nARIA (offline) above REINFORCE in mean reward on {wins} of {len(summary)} games")
    print_paired(summary, methods, seeds)
    if not all(stats["before_agrees"] for stats in summary.values()):
        print("warning: the methods' step-0 evaluations of one SFT policy disagree (evaluation is not deterministic)")


def _evaluation(args: dict) -> str:
    """How held-out games were played: greedy unless an override set ``eval_temperature``."""
    temperatures = [o.split("=", 1)[1] for o in args.get("set", []) if o.startswith("eval_temperature=")]
    return f"sampled (temperature {temperatures[-1]})" if temperatures and float(temperatures[-1]) > 0 else "greedy"


def print_paired(summary: dict, methods: list[str], seeds: int) -> None:
    """Every method of a (game, seed) starts from that seed's SFT policy: each ARIA variant minus
    REINFORCE, seed by seed, in held-out reward."""
    rivals = [m for m in methods if m != "reinforce"]
    if "reinforce" not in methods or not rivals or seeds < 2:
        return
    print("\n" + PAIRED_HEADER)
    for game, stats in summary.items():
        for method in rivals:
            label = f"{game}: {METHODS[method]} - {METHODS['reinforce']}"
            print(paired_row(label, stats[method]["reward"], stats["reinforce"]["reward"]))


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


if __name__ == "__main__":
    main()
