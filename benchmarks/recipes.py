"""Helpers for the result-table benchmarks (control and LLM agents alike): run one recipe (with overrides)
in a worker process, read its learning curve back from metrics.jsonl, and summarise seeds with a t-interval."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def open_trainer(config_path: str, overrides: list[str], threads: int = 1) -> Iterator[tuple[Any, Any]]:
    """The trainer of ``config_path`` (with overrides) inside its open Run, on ``threads`` torch threads, with
    no progress bars or TensorBoard. Runs go under a temporary root unless the overrides set ``run.dir`` or
    ``run.root``. Yields (trainer, run)."""
    import torch

    torch.set_num_threads(threads)
    from actionspace.cli import _load_layers, load_train_config
    from actionspace.core.config import to_dict
    from actionspace.core.run import Run

    _load_layers()
    placed = any(o.startswith(("run.dir=", "run.root=")) for o in overrides)
    where = [] if placed else [f"run.root={tempfile.mkdtemp(prefix='bench-')}"]
    trainer_class, config, name = load_train_config(
        str(REPO / config_path), overrides + where + ["run.progress=false", "run.use_tensorboard=false"]
    )
    # config.yaml in the run directory, as `actionspace train` writes it: a saved policy says what made it.
    with Run(config.run, config_to_save={"trainer": name} | to_dict(config)) as run:
        yield trainer_class.from_config(config, run), run


def run_recipe(
    config_path: str, overrides: list[str], probe: Callable[[Any], dict] | None = None, evaluate_only: bool = False
) -> dict[str, Any]:
    """Trains ``config_path`` in this process with one torch thread; returns final eval metrics, the
    metrics.jsonl records (the learning curve), the run directory, and whatever ``probe(trainer)`` adds.
    ``evaluate_only``: no training, the trainer's ``evaluate()`` of the policy its config loads, as "after"."""
    with open_trainer(config_path, overrides) as (trainer, run):
        if evaluate_only:
            return {"after": trainer.evaluate(), "run_dir": str(run.output_dir)}
        results = trainer.train()
        extra = probe(trainer) if probe is not None else {}
        records = [json.loads(line) for line in (run.output_dir / "metrics.jsonl").read_text().splitlines() if line]
    output = {"after": results["after"], "before": results["before"], "records": records}
    return output | {"run_dir": str(run.output_dir)} | extra


def run_all(
    jobs: list[tuple[str, str, list[str]]], workers: int, probe: Callable | None = None, evaluate_only: bool = False
) -> dict[str, list[dict]]:
    """Runs (label, config, overrides) jobs on ``workers`` processes; results grouped by label, in job order."""
    results: dict[str, list[dict]] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [
            (label, pool.submit(run_recipe, config, overrides, probe, evaluate_only))
            for label, config, overrides in jobs
        ]
        for label, future in futures:
            results.setdefault(label, []).append(future.result())
    return results


def mean_interval(values: list[float]) -> tuple[float, float]:
    """Mean and the half-width of a 95% t-interval over seeds."""
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, float("nan")
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    from scipy.stats import t as student_t

    t = float(student_t.ppf(0.975, n - 1))  # (a lookup table here once fell back to 1.96 at 7 and 9 seeds)
    return mean, t * sd / math.sqrt(n)


PAIRED_HEADER = "| paired difference (per seed) | mean ± 95% t | per seed | beyond the interval |\n|---|---|---|---|"


def paired_row(label: str, better: list[float], worse: list[float]) -> str:
    """One row of a paired comparison: methods of a seed start from the same policy, so the per-seed
    differences are what varies. The pair holds beyond the interval when its 95% t-interval's lower end is
    above 0. Seeds are paired in order, over the ones both have."""
    differences = [x - y for x, y in zip(better, worse, strict=False)]
    mean, half = mean_interval(differences)
    beyond = "yes" if mean - half > 0 else "no"
    per_seed = ", ".join(f"{d:+.3f}" for d in differences)
    return f"| {label} | {mean:+.3f} ± {half:.3f} | {per_seed} | {beyond} |"


def curve(records: list[dict], key: str) -> tuple[list[float], list[float]]:
    points = [(r["env_steps"], r[key]) for r in records if key in r and "env_steps" in r]
    return [p[0] for p in points], [p[1] for p in points]


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def save_figure(figure: Any, name: str) -> Path:
    """Writes ``figure`` as benchmarks/results/<name>.png (the docs embed these)."""
    from common import RESULTS_DIR

    figure.tight_layout()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    png = RESULTS_DIR / f"{name}.png"
    figure.savefig(png, dpi=120)
    return png


def saved_policies(saved: dict, source: Path, keep: Callable[[str], bool] = lambda label: True) -> dict[str, str]:
    """The policies (label -> model directory) a saved result lists, those whose label ``keep`` accepts;
    stops with a message when the result lists none or a kept one is gone."""
    if not saved.get("policies"):
        raise SystemExit(f"{source} lists no policies (written before its script recorded them)")
    policies = {label: path for label, path in saved["policies"].items() if keep(label)}
    missing = [path for path in policies.values() if not (Path(path) / "config.json").is_file()]
    if missing:
        raise SystemExit(f"saved policies not found (their run directories are gone?): {', '.join(missing)}")
    return policies
