"""The SoLS paper's comparison on simphone: SFT on a few oracle demos, then each RL method from that same
SFT policy for the same number of iterations (the same episodes), over several seeds. Prints the table
beside the paper's numbers, writes a PNG of greedy success vs env steps and a JSON.

    python benchmarks/sols_table.py                    # 3 seeds, the budget recorded in docs/sols.md
    python benchmarks/sols_table.py --methods sols_str sols ppo a2c_str filtered_str
    python benchmarks/sols_table.py --quick            # 1 seed, a tiny budget (a smoke test)
    python benchmarks/sols_table.py --from-json benchmarks/results/sols_table.json   # re-render only
    python benchmarks/sols_table.py --extend benchmarks/results/sols_table.json --seeds 2 --methods sols ppo
                                                       # 2 more seeds of these methods (after their saved ones)
    python benchmarks/sols_table.py --reevaluate benchmarks/results/sols_table.json --eval-episodes 25 \
        --eval-temperature 1.0                         # the saved policies again, sampled, with per-task
                                                       # scores; no training
        [--reuse benchmarks/results/sols_table_reevaluated_t1.json]   # keep the scores it already has
    python benchmarks/sols_table.py --training-success benchmarks/results/sols_table.json
                                                       # the saved runs' own rollout success, late in training

Each seed trains its own SFT policy (configs/sft_simphone.yaml, run.seed=seed); every method of that seed
starts from it, so "SFT" is the same policy's score before any RL (the trainers' step-0 evaluation).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import COMMIT_AT_START, write_result  # noqa: E402
from recipes import (  # noqa: E402
    PAIRED_HEADER,
    default_workers,
    mean_interval,
    paired_row,
    run_all,
    save_figure,
    saved_policies,
)

# name -> (label, overrides); the paper's rows (arXiv 2509.01720, 80 AndroidWorld tasks, success %).
METHODS = {
    "sols_str": ("SoLS + STR", ["loss=sols", "use_str=true"]),
    "sols": ("SoLS", ["loss=sols", "use_str=false"]),
    "ppo": ("PPO", ["loss=ppo", "use_str=false"]),
    "a2c_str": ("A2C + STR", ["loss=a2c", "use_str=true"]),
    "filtered_str": ("DigiRL-like filtered + STR", ["loss=filtered", "use_str=true"]),
    # Not the paper's: a positive sample weighs min(rho, 1) (V-trace's rho-bar), not rho (docs/sols.md).
    "sols_str_cap1": ("SoLS + STR, rho capped at 1", ["loss=sols", "use_str=true", "positive_ratio_cap=1.0"]),
    # The paper's mix, 100 fresh + 50 replayed per update: about 117 fresh transitions an iteration here, so 58
    # replayed where the recipe replays 32 (docs/sols.md).
    "sols_str_mix2": ("SoLS + STR, 1 replayed per 2 fresh", ["loss=sols", "use_str=true", "str_samples=58"]),
}
PAPER = {"sols_str": 51.3, "sols": None, "ppo": 28.3, "a2c_str": 32.1, "filtered_str": 38.8, "sft": 22.1}
SUCCESS = "eval/success_rate"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--methods", nargs="+", default=["sols_str", "sols", "ppo"], choices=sorted(METHODS))
    parser.add_argument("--iterations", type=int, default=None, help="RL iterations (default: the recipe's)")
    parser.add_argument("--eval-episodes", type=int, default=10, help="evaluation episodes per test template")
    parser.add_argument(
        "--eval-temperature", type=float, default=0.0, help="0: greedy evaluation (the table's protocol); >0: sampled"
    )
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--from-json", type=Path, help="re-render the table and PNG from a saved result, no training")
    parser.add_argument(
        "--extend", type=Path, help="add --seeds more seeds of --methods, after their saved ones, to a saved result"
    )
    parser.add_argument(
        "--reevaluate",
        type=Path,
        help="evaluate the policies a saved result lists again, with --eval-episodes and --eval-temperature",
    )
    parser.add_argument(
        "--reuse",
        type=Path,
        help="with --reevaluate: an earlier re-evaluation with the same episodes and temperature; the policies it "
        "scored (same label, same model directory) keep its scores and are not evaluated again",
    )
    parser.add_argument(
        "--training-success",
        type=Path,
        help="no training: the mean rollout success of the last --last-iterations iterations of each saved run "
        "(sampled, on training tasks), read from the run directories the result lists, paired by seed",
    )
    parser.add_argument("--last-iterations", type=int, default=10)
    args = parser.parse_args()
    if args.training_success:
        return training_success(args.training_success, args.last_iterations)
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        report(saved["summary"], saved["args"])
        if "by_template" in saved["summary"]:  # a re-evaluation's: its per-task table too
            print_by_template(saved["summary"]["by_template"])
        return None
    if args.reevaluate:
        return reevaluate(args)
    if args.quick:
        args.seeds, args.iterations, args.eval_episodes = 1, 2, 2

    saved = json.loads(args.extend.read_text()) if args.extend else None
    first_seed = next_seed(saved["summary"], args.methods) if saved else 0
    seeds = range(first_seed, first_seed + args.seeds)
    root = Path(tempfile.mkdtemp(prefix="sols-table-"))
    sft_overrides = ["max_steps=10", "warmup_steps=0", "data.num_train=16", "data.num_test=4"] if args.quick else []
    sft_jobs = [
        (f"sft/{seed}", "configs/sft_simphone.yaml", [f"run.seed={seed}", f"run.dir={root}/sft{seed}", *sft_overrides])
        for seed in seeds
    ]
    sft = run_all(sft_jobs, args.workers)
    rl_common = [f"eval_episodes_per_template={args.eval_episodes}", f"eval_temperature={args.eval_temperature}"]
    if args.iterations is not None:
        rl_common.append(f"iterations={args.iterations}")
    if args.quick:
        rl_common += ["episodes_per_iteration=4", "eval_every=1"]
    sft_models = {seed: f"{sft[f'sft/{seed}'][0]['run_dir']}/model" for seed in seeds}
    jobs = [
        (
            f"{method}/{seed}",
            "configs/sols_simphone.yaml",
            [f"run.seed={seed}", f"model.path={sft_models[seed]}", *METHODS[method][1], *rl_common],
        )
        for seed in seeds
        for method in args.methods
    ]
    results = run_all(jobs, args.workers)
    summary: dict = {"methods": {}, "sft": []}
    for method in args.methods:
        runs = [results[f"{method}/{seed}"][0] for seed in seeds]
        summary["methods"][method] = {
            "final": [r["after"]["success_rate"] for r in runs],
            "env_steps": [_last(r["records"], "rollout/env_steps") for r in runs],
            "curves": [_eval_curve(r["records"]) for r in runs],
        }
    first = args.methods[0]
    summary["sft"] = [results[f"{first}/{seed}"][0]["before"]["success_rate"] for seed in seeds]
    policies = {f"sft/{seed}": path for seed, path in sft_models.items()}
    policies |= {label: f"{runs[0]['run_dir']}/model" for label, runs in results.items()}
    run_args = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    if saved:  # seeds are appended in order, so a method's i-th value is seed i's in every list
        summary = extend_summary(saved["summary"], summary, first_seed)
        # The file's "environment" becomes this run's; the saved seeds keep theirs here.
        earlier = saved["args"].get("extended_by", [])
        run_args = saved["args"] | {
            "saved_environment": saved["args"].get("saved_environment", saved["environment"]),
            "extended_by": earlier + [run_args | {"commit": COMMIT_AT_START}],
        }
        policies = saved.get("policies", {}) | policies
    report(summary, run_args)
    write_result("sols_table", {"args": run_args, "summary": summary, "policies": policies})


def reevaluate(args: argparse.Namespace) -> None:
    """Every policy a saved result lists (``sft/<seed>``, ``<method>/<seed>``) evaluated again through the
    SoLS trainer's ``evaluate()``, with this call's episodes and temperature; the table is re-rendered from
    those scores (the learning curves and env steps stay the training's)."""
    saved = json.loads(args.reevaluate.read_text())
    reused = reused_scores(args.reuse, saved.get("policies", {}), args) if args.reuse else {}
    # A reused policy keeps its score, so its run directory may be gone; only the rest must still exist.
    policies = saved_policies(saved, args.reevaluate, keep=lambda label: label not in reused)
    overrides = [f"eval_episodes_per_template={args.eval_episodes}", f"eval_temperature={args.eval_temperature}"]
    jobs = [
        (label, "configs/sols_simphone.yaml", [f"run.seed={label.split('/')[1]}", f"model.path={path}", *overrides])
        for label, path in policies.items()
    ]
    results = run_all(jobs, args.workers, evaluate_only=True)
    score = {label: scores[ALL] for label, scores in reused.items()}
    score |= {label: runs[0]["after"]["success_rate"] for label, runs in results.items()}
    by_template = {label: {t: v for t, v in scores.items() if t != ALL} for label, scores in reused.items()}
    by_template |= {label: template_scores(runs[0]["after"]) for label, runs in results.items()}

    def scores(name: str, count: int) -> list[float]:
        return [score[f"{name}/{seed}"] for seed in range(count)]

    old = saved["summary"]
    summary = {
        "sft": scores("sft", len(old["sft"])),
        "methods": {
            method: stats | {"final": scores(method, len(stats["final"]))} for method, stats in old["methods"].items()
        },
        "by_template": by_template,
    }
    reevaluated = saved["args"] | {
        "eval_episodes": args.eval_episodes,
        "eval_temperature": args.eval_temperature,
        "reevaluated": {"from": str(args.reevaluate), "workers": args.workers, "commit": COMMIT_AT_START},
    }
    if reused:
        reevaluated["reused"] = {"from": str(args.reuse), "labels": sorted(reused)}
    report(summary, reevaluated, with_curves=False)
    print_by_template(by_template)
    write_result(
        f"{args.reevaluate.stem}_reevaluated_t{args.eval_temperature:g}",
        {"args": reevaluated, "summary": summary, "policies": saved["policies"]},
    )


def training_success(result_path: Path, last: int) -> None:
    """Each saved run's mean ``rollout/success_rate`` over its last ``last`` iterations: the episodes it
    trained on, sampled from the policy of the moment, on training tasks. Four times the test table's episodes
    per run (32 a batch), and the same env steps for every method, so a second, denser look at who learned more."""
    saved = json.loads(result_path.read_text())
    policies = saved_policies(saved, result_path, keep=lambda label: not label.startswith("sft/"))
    success: dict[str, dict[int, float]] = {}
    for label, model in policies.items():
        method, seed = label.split("/")
        lines = (Path(model).parent / "metrics.jsonl").read_text().splitlines()
        rates = [r["rollout/success_rate"] for r in map(json.loads, filter(None, lines)) if "rollout/success_rate" in r]
        success.setdefault(method, {})[int(seed)] = sum(rates[-last:]) / len(rates[-last:])
    finals = {method: [by_seed[seed] for seed in sorted(by_seed)] for method, by_seed in success.items()}
    print(f"\n**Rollout success of the last {last} training iterations (sampled, training tasks)**\n")
    for method, values in finals.items():
        mean, half = mean_interval(values)
        print(f"  {METHODS[method][0]}: {mean:.3f} ± {half:.3f}  ({', '.join(f'{v:.3f}' for v in values)})")
    print_paired(finals)
    write_result(
        f"{result_path.stem}_training_success",
        {"args": {"from": str(result_path), "last_iterations": last}, "summary": {"methods": finals}},
    )


def reused_scores(
    previous_path: Path, policies: dict[str, str], args: argparse.Namespace
) -> dict[str, dict[str, float]]:
    """The scores an earlier re-evaluation gave to the same policies (same label, same model directory), read
    back from its per-seed lists: label -> {`ALL`: overall success, template: that task's success (when the
    earlier re-evaluation recorded them)}. It must have scored with this call's episodes and temperature."""
    previous = json.loads(previous_path.read_text())
    protocol = (previous["args"].get("eval_episodes"), previous["args"].get("eval_temperature"))
    if protocol != (args.eval_episodes, args.eval_temperature):
        raise SystemExit(
            f"--reuse: {previous_path} scored with (episodes, temperature) = {protocol}, "
            f"not ({args.eval_episodes}, {args.eval_temperature})"
        )
    finals = per_seed_finals(previous["summary"])
    by_template = previous["summary"].get("by_template", {})
    scores = {}
    for label, path in previous.get("policies", {}).items():
        name, seed = label.split("/")
        if policies.get(label) == path:
            scores[label] = {ALL: finals[name][int(seed)]} | by_template.get(label, {})
    return scores


def next_seed(saved: dict, methods: list[str]) -> int:
    """The first seed an extension runs: the chosen methods must have the same number of seeds saved, so
    that each keeps one value per seed, in seed order (seed i is the i-th value of every list)."""
    counts = {method: len(saved["methods"].get(method, {"final": []})["final"]) for method in methods}
    if len(set(counts.values())) != 1:
        raise SystemExit(f"--extend: these methods have different numbers of saved seeds ({counts}); extend them apart")
    return next(iter(counts.values()))


def extend_summary(saved: dict, new: dict, first_seed: int) -> dict:
    """The saved per-seed lists with the new seeds' values appended. SFT's list grows only by seeds it lacks;
    for a seed it has, the re-trained SFT policy must score as it did (SFT is deterministic per seed), or the
    methods would not share their starting policy."""
    merged = {"sft": list(saved["sft"]), "methods": dict(saved["methods"])}
    for offset, score in enumerate(new["sft"]):
        seed = first_seed + offset
        if seed < len(merged["sft"]):
            if abs(merged["sft"][seed] - score) > 1e-9:
                raise SystemExit(
                    f"--extend: seed {seed}'s SFT policy scored {score}, not the saved {merged['sft'][seed]}"
                )
        else:
            merged["sft"].append(score)
    for method, added in new["methods"].items():
        old = saved["methods"].get(method, {"final": [], "env_steps": [], "curves": []})
        merged["methods"][method] = {key: old[key] + added[key] for key in ("final", "env_steps", "curves")}
    return merged


def _last(records: list[dict], key: str) -> float:
    return next(float(r[key]) for r in reversed(records) if key in r)


def _eval_curve(records: list[dict]) -> tuple[list[float], list[float]]:
    """Evaluation success against the env steps taken before it was measured (0 for the step-0 evaluation)."""
    xs, ys, steps = [], [], 0.0
    for record in records:
        steps = float(record.get("rollout/env_steps", steps))
        if SUCCESS in record:
            xs.append(steps)
            ys.append(float(record[SUCCESS]))
    return xs, ys


def report(summary: dict, args: dict, with_curves: bool = True) -> None:
    """Prints the table and the paired differences, and writes the learning-curve PNG ``with_curves`` (not for
    a re-evaluation: its scores are not the curves' end points)."""
    seeds = max([len(summary["sft"])] + [len(s["final"]) for s in summary["methods"].values()])
    temperature = args.get("eval_temperature", 0.0)
    mode = "greedy" if temperature == 0 else f"sampled (temperature {temperature:g})"
    print(
        f"\n**SoLS paper's comparison on simphone test tasks: {mode} success, mean and 95% t-interval over up to "
        f"{seeds} seeds, {args['eval_episodes']} episodes per template per seed**\n"
    )
    print("| method | ours: success | seeds | ours: env steps | paper (AndroidWorld, %) |")
    print("|---|---|---|---|---|")
    rows = [("sft", "SFT (the starting policy)", summary["sft"], None)]
    rows += [(m, METHODS[m][0], s["final"], s["env_steps"]) for m, s in summary["methods"].items()]
    for method, label, finals, env_steps in rows:
        mean, half = mean_interval(finals)
        steps = f"{sum(env_steps) / len(env_steps):,.0f}" if env_steps else "0"
        paper = PAPER.get(method)
        paper_text = paper if paper is not None else "—"
        print(f"| {label} | {mean:.3f} ± {half:.3f} | {len(finals)} | {steps} | {paper_text} |")
    print("\nper seed:")
    print(f"  SFT: {', '.join(f'{v:.3f}' for v in summary['sft'])}")
    for method, stats in summary["methods"].items():
        print(f"  {METHODS[method][0]}: {', '.join(f'{v:.3f}' for v in stats['final'])}")
    print_paired(per_seed_finals(summary))
    if with_curves:
        print(f"\nPNG: {plot(summary, mode)}")


# The paper's ordering as pairs (better, worse); "sft" is each seed's starting policy.
ORDERING = [("sols_str", "sft"), ("sols_str", "sols"), ("sols", "ppo"), ("sols_str", "ppo")]


def per_seed_finals(summary: dict) -> dict[str, list[float]]:
    """``sft`` and each method -> its per-seed scores, seed i the i-th value."""
    return {"sft": summary["sft"]} | {method: stats["final"] for method, stats in summary["methods"].items()}


def print_paired(finals: dict[str, list[float]]) -> None:
    """Every method of a seed starts from that seed's SFT policy, so the comparisons are paired. ``finals``:
    name (``sft`` or a method) -> per-seed scores; the pairs of `ORDERING` among them are printed."""
    labels = {"sft": "SFT"} | {m: METHODS[m][0] for m in METHODS}
    pairs = [(a, b) for a, b in ORDERING if a in finals and b in finals]
    if not pairs or min(len(finals[a]) for pair in pairs for a in pair) < 2:
        return
    print("\n" + PAIRED_HEADER)
    for better, worse in pairs:
        print(paired_row(f"{labels[better]} - {labels[worse]}", finals[better], finals[worse]))


ALL = "all"  # the overall score among a policy's per-task scores (no template has this name)


def template_scores(metrics: dict[str, float]) -> dict[str, float]:
    """Per-task success from an evaluation's metrics (``success_rate/<template>``)."""
    prefix = "success_rate/"
    return {key.removeprefix(prefix): value for key, value in metrics.items() if key.startswith(prefix)}


def print_by_template(by_template: dict[str, dict[str, float]]) -> None:
    """Where the differences come from: each task's success, mean over a policy kind's seeds, and the paired
    differences of `ORDERING` per task, over the seeds both have. ``by_template``: ``<name>/<seed>`` ->
    template -> success. Policies scored before per-task scores were recorded have none; the table then
    waits for a re-evaluation without --reuse."""
    missing = [label for label, scores in by_template.items() if not scores]
    if missing:
        print(f"\nno per-task scores for {len(missing)} policies (e.g. {missing[0]}): re-evaluate without --reuse")
        return
    per_name: dict[str, dict[int, dict[str, float]]] = {}
    for label, scores in by_template.items():
        name, seed = label.split("/")
        per_name.setdefault(name, {})[int(seed)] = scores
    names = [name for name in ["sft", *METHODS] if name in per_name]
    pairs = [(a, b) for a, b in ORDERING if a in per_name and b in per_name]
    labels = {"sft": "SFT"} | {m: METHODS[m][0] for m in METHODS}
    templates = sorted(next(iter(per_name["sft" if "sft" in per_name else names[0]].values())))
    print("\n**Per task: success (mean over seeds) and paired differences (over the seeds both have)**\n")
    header = [f"{labels[n]} ({len(per_name[n])})" for n in names] + [f"{labels[a]} - {labels[b]}" for a, b in pairs]
    print("| task | " + " | ".join(header) + " |")
    print("|---" * (len(header) + 1) + "|")
    # A task's row is a group of one; a group's difference is its tasks' mean, seed by seed.
    groups = task_groups(per_name["sft"]) if "sft" in per_name else {}
    rows = [(template, [template], 2) for template in templates]
    rows += [(f"{name}: {', '.join(group)}", group, 3) for name, group in groups.items()]
    for row_name, group, digits in rows:
        cells = [
            f"{mean_interval([s[group[0]] for s in per_name[n].values()])[0]:.2f}" if len(group) == 1 else ""
            for n in names
        ]
        for better, worse in pairs:
            seeds = sorted(per_name[better].keys() & per_name[worse].keys())
            mean, half = mean_interval([group_difference(per_name, better, worse, seed, group) for seed in seeds])
            cells.append(f"{mean:+.{digits}f} ± {half:.{digits}f}{' *' if mean - half > 0 else ''}")
        print(f"| {row_name} | " + " | ".join(cells) + " |")
    print("\n(* beyond the interval on that task or group; a group's difference is its tasks' mean, seed by seed)")


RARELY_SOLVED = 0.1
"""A task is rarely solved when the SFT policies' mean success on it is above 0 and below this: STR's domain (a
success to replay exists, and fresh episodes seldom bring another). The group is defined by the starting
policies alone, so it does not select on any method's result; it was drawn after the per-task table had shown
where STR's gain sat (docs/sols.md says how far to trust it)."""


def task_groups(sft: dict[int, dict[str, float]]) -> dict[str, list[str]]:
    """The tasks rarely solved by the SFT policies (see `RARELY_SOLVED`) and the others they solve at all;
    ``sft``: seed -> template -> success. A task the SFT policies never solve is in neither."""
    templates = sorted(next(iter(sft.values())))
    mean = {t: sum(scores[t] for scores in sft.values()) / len(sft) for t in templates}
    return {
        f"rarely solved by SFT (0 < mean < {RARELY_SOLVED:g})": [t for t in templates if 0 < mean[t] < RARELY_SOLVED],
        "the others SFT solves": [t for t in templates if mean[t] >= RARELY_SOLVED],
    }


def group_difference(
    per_name: dict[str, dict[int, dict[str, float]]], better: str, worse: str, seed: int, group: list[str]
) -> float:
    """One seed's paired difference on a group of tasks: the mean over the group of per-task differences."""
    return sum(per_name[better][seed][t] - per_name[worse][seed][t] for t in group) / max(len(group), 1)


def plot(summary: dict, mode: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6.5, 4))
    for method, stats in summary["methods"].items():
        curves = stats["curves"]
        points = min(len(y) for _, y in curves)
        xs = [sum(c[0][i] for c in curves) / len(curves) for i in range(points)]
        series = [[c[1][i] for c in curves] for i in range(points)]
        means = [mean_interval(values) for values in series]
        (line,) = axes.plot(xs, [m for m, _ in means], marker="o", label=METHODS[method][0])
        if len(curves) > 1:
            axes.fill_between(
                xs, [m - h for m, h in means], [m + h for m, h in means], color=line.get_color(), alpha=0.15
            )
    axes.set_xlabel("env steps (mean over seeds)")
    axes.set_ylabel(f"{mode} success on simphone test tasks")
    axes.set_ylim(-0.02, 1.02)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    return save_figure(figure, "sols_table")


if __name__ == "__main__":
    main()
