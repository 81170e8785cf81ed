"""CQN-AS vs CQN (the same code with action sequences of length 1) on sparse-reward tasks with
demonstrations, at equal env steps over several seeds. Prints a table, writes a PNG and JSON.

    python benchmarks/cqn_as_table.py                # 3 seeds, the budget recorded in docs/cqn_as.md
    python benchmarks/cqn_as_table.py --quick        # 1 seed, a small budget (a smoke test)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import write_result  # noqa: E402
from recipes import curve, default_workers, mean_interval, run_all, save_figure  # noqa: E402

TASKS = {"sparse_reacher": "SparseReacher-v0", "reacher_two_targets": "SparseReacherTwoTargets-v0"}
METHODS = {"cqn_as": "CQN-AS (K=4)", "cqn": "CQN (K=1)"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=8_000)
    parser.add_argument("--eval-every", type=int, default=1_000)
    parser.add_argument("--eval-episodes", type=int, default=30)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--from-json", type=Path, help="re-render the table and PNG from a saved result, no training")
    args = parser.parse_args()
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        return report(saved["summary"], argparse.Namespace(**saved["args"]))
    if args.quick:
        args.seeds, args.steps, args.eval_every, args.eval_episodes = 1, 800, 400, 5

    common = [f"total_env_steps={args.steps}", f"eval_every={args.eval_every}", f"eval_episodes={args.eval_episodes}"]
    if args.quick:
        common += ["learning_starts=200", "demo_episodes=5"]
    jobs = [
        (f"{method}/{task}", f"configs/{method}_{task}.yaml", [f"run.seed={seed}", *common])
        for task in TASKS
        for seed in range(args.seeds)
        for method in METHODS
    ]
    results = run_all(jobs, args.workers)
    summary: dict = {}
    for task in TASKS:
        for method in METHODS:
            runs = results[f"{method}/{task}"]
            curves = [curve(r["records"], "eval/success") for r in runs]
            summary[f"{method}/{task}"] = {
                "final": [r["after"]["eval/success"] for r in runs],
                "auc": [sum(y) / max(1, len(y)) for _, y in curves],
                "curves": curves,
            }
    report(summary, args)


def report(summary: dict, args: argparse.Namespace) -> None:
    """Prints the table and the paired per-seed comparison; writes JSON and the PNG."""
    lines = [
        f"Success rate of deterministic evaluation ({args.eval_episodes} episodes per seed) after {args.steps:,} env "
        f"steps, {args.seeds} seed(s), 50 expert demos; ± is a 95% t-interval over seeds; AUC is the mean over the "
        "evaluations during training.",
        "",
        "| task | " + " | ".join(f"{name} final | {name} AUC" for name in METHODS.values()) + " |",
        "|---|" + "---|---|" * len(METHODS),
    ]
    paired = ["", "Paired by seed (same seed, same demos), CQN-AS minus CQN:", ""]
    for task, env in TASKS.items():
        cells = []
        for method in METHODS:
            f_mean, f_half = mean_interval(summary[f"{method}/{task}"]["final"])
            a_mean, a_half = mean_interval(summary[f"{method}/{task}"]["auc"])
            cells.append(f"{f_mean:.2f} ± {f_half:.2f} | {a_mean:.2f} ± {a_half:.2f}")
        lines.append(f"| {env} | " + " | ".join(cells) + " |")
        for metric in ("final", "auc"):
            ours, theirs = (summary[f"{m}/{task}"][metric] for m in METHODS)
            differences = [a - b for a, b in zip(ours, theirs, strict=True)]
            ahead = sum(d > 0 for d in differences)
            listed = ", ".join(f"{d:+.3f}" for d in differences)
            paired.append(f"- {env} {metric}: {listed} (ahead on {ahead}/{len(differences)})")
    table = "\n".join(lines + paired)
    print(table)
    png = plot(summary)
    path = write_result("cqn_as_table", {"args": vars(args), "summary": summary, "table": table, "png": str(png)})
    print(f"\nwrote {path} and {png}")


def plot(summary: dict) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(TASKS), figsize=(11, 4))
    colours = {"cqn_as": "tab:red", "cqn": "tab:blue"}
    for axis, (task, env) in zip(axes, TASKS.items(), strict=True):
        for method, name in METHODS.items():
            for index, (x, y) in enumerate(summary[f"{method}/{task}"]["curves"]):
                axis.plot(
                    x, y, color=colours[method], alpha=0.7, marker="o", markersize=3, label=name if index == 0 else None
                )
        axis.set(title=env, xlabel="env steps", ylabel="evaluation success", ylim=(-0.05, 1.05))
        axis.legend()
    return save_figure(figure, "cqn_as_table")


if __name__ == "__main__":
    main()
