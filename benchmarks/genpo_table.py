"""GenPO vs Gaussian PPO: return on a MuJoCo task at equal env steps, and goal coverage on the
multimodal task (several equally good goals), over several seeds. Prints a table, writes a PNG and JSON.

    python benchmarks/genpo_table.py                  # 3 seeds, the budgets recorded in docs/genpo.md
    python benchmarks/genpo_table.py --quick          # 1 seed, small budgets (a smoke test)
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import write_result  # noqa: E402
from recipes import curve, default_workers, mean_interval, run_all, save_figure  # noqa: E402

MULTIGOAL = ["env.kwargs.step_size=1.0", "env.max_episode_steps=5"]
COVERAGE_EPISODES = 400
COVERAGE_SHARE = 0.10  # a goal counts as covered when at least 10% of sampled episodes end there


def coverage_probe(trainer) -> dict:
    """Samples episodes from the *stochastic* policy and counts where they end."""
    trainer.evaluate(deterministic=False, episodes=COVERAGE_EPISODES)
    ends = collections.Counter(int(info["goal_index"]) for info in trainer.last_eval.final_infos)
    goals = {g: ends.get(g, 0) / COVERAGE_EPISODES for g in range(4)}
    return {
        "goal_shares": goals,
        "goals_covered": sum(share >= COVERAGE_SHARE for share in goals.values()),
        "stochastic_success": sum(trainer.last_eval.successes) / COVERAGE_EPISODES,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--mujoco-steps", type=int, default=150_000)
    parser.add_argument("--multigoal-steps", type=int, default=40_960)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--quick", action="store_true", help="1 seed, tiny budgets: checks the script runs")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.mujoco_steps, args.multigoal_steps = 1, 4096, 4096

    seeds = range(args.seeds)
    mujoco = [
        (m, f"configs/{m}_halfcheetah.yaml", [f"run.seed={s}", f"total_env_steps={args.mujoco_steps}"])
        for m in ("ppo", "genpo")
        for s in seeds
    ]
    multigoal = [
        (m, f"configs/{m}_multigoal.yaml", [f"run.seed={s}", f"total_env_steps={args.multigoal_steps}", *MULTIGOAL])
        for m in ("ppo", "genpo")
        for s in seeds
    ]
    mujoco_results = run_all(mujoco, args.workers)
    multigoal_results = run_all(multigoal, args.workers, probe=coverage_probe)

    rows = []
    summary: dict[str, dict] = {}
    for method, label in (("ppo", "Gaussian PPO"), ("genpo", "GenPO")):
        returns = [r["after"]["eval/return"] for r in mujoco_results[method]]
        covered = [r["goals_covered"] for r in multigoal_results[method]]
        success = [r["stochastic_success"] for r in multigoal_results[method]]
        det_success = [r["after"]["eval/success"] for r in multigoal_results[method]]
        ret_mean, ret_half = mean_interval(returns)
        summary[method] = {
            "halfcheetah_return": returns,
            "multigoal_goals_covered": covered,
            "multigoal_sampled_success": success,
            "multigoal_deterministic_success": det_success,
            "goal_shares": [r["goal_shares"] for r in multigoal_results[method]],
        }
        rows.append(
            f"| {label} | {ret_mean:.0f} ± {ret_half:.0f} | {' / '.join(str(c) for c in covered)} of 4 "
            f"| {mean_interval(success)[0]:.2f} | {mean_interval(det_success)[0]:.2f} |"
        )
    table = "\n".join(
        [
            f"HalfCheetah-v5 at {args.mujoco_steps:,} env steps; MultiGoal at {args.multigoal_steps:,} env steps; "
            f"{args.seeds} seed(s); ± is a 95% t-interval over seeds.",
            "",
            "| method | HalfCheetah return | MultiGoal goals covered (per seed) "
            "| MultiGoal success, sampled | MultiGoal success, deterministic |",
            "|---|---|---|---|---|",
            *rows,
        ]
    )
    print(table)
    png = plot(mujoco_results, multigoal_results, args)
    path = write_result(
        "genpo_table",
        {
            "args": vars(args),
            "summary": summary,
            "table": table,
            "png": str(png),
            "curves": {
                m: [curve(r["records"], "train/episode_return") for r in rs] for m, rs in mujoco_results.items()
            },
        },
    )
    print(f"\nwrote {path} and {png}")


def plot(mujoco_results, multigoal_results, args) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    colours = {"ppo": "tab:blue", "genpo": "tab:red"}
    names = {"ppo": "Gaussian PPO", "genpo": "GenPO"}
    for method, results in mujoco_results.items():
        for index, result in enumerate(results):
            x, y = curve(result["records"], "train/episode_return")
            left.plot(x, y, color=colours[method], alpha=0.7, label=names[method] if index == 0 else None)
    left.set(title="HalfCheetah-v5: training episode return", xlabel="env steps", ylabel="return")
    left.legend()
    width = 0.35
    for offset, method in ((-width / 2, "ppo"), (width / 2, "genpo")):
        shares = [[r["goal_shares"][g] for r in multigoal_results[method]] for g in range(4)]
        means = [sum(s) / len(s) for s in shares]
        right.bar([g + offset for g in range(4)], means, width, color=colours[method], label=names[method])
    right.axhline(COVERAGE_SHARE, color="grey", linestyle=":", linewidth=1)
    right.set(
        title="MultiGoal: share of sampled episodes ending at each goal", xlabel="goal", ylabel="share", xticks=range(4)
    )
    right.legend()
    return save_figure(figure, "genpo_table")


if __name__ == "__main__":
    main()
