"""Learning-curve figures from a run's metrics.jsonl (matplotlib, no display needed)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

Curve = tuple[Sequence[float], Sequence[float], Sequence[float] | None, Sequence[float] | None]
"""x, y, and an optional lower/upper band."""


def read_curve(metrics_file: Path, key: str, *, x_key: str = "rollout/env_steps") -> Curve:
    """``key`` against ``x_key`` from a metrics.jsonl; a record without ``x_key`` takes the last one seen
    (evaluations are logged after the rollout of the same step), and the step-0 evaluation sits at 0.
    ``key_low``/``key_high`` become the band when logged."""
    xs, ys, lows, highs = [], [], [], []
    has_band = False
    x = 0.0
    for line in metrics_file.read_text().splitlines():
        record = json.loads(line)
        x = float(record.get(x_key, x))
        if key in record:
            xs.append(x)
            ys.append(float(record[key]))
            lows.append(float(record.get(f"{key}_low", record[key])))
            highs.append(float(record.get(f"{key}_high", record[key])))
            has_band = has_band or f"{key}_low" in record
    return xs, ys, lows if has_band else None, highs if has_band else None


def plot_curves(curves: dict[str, Curve], path: Path, *, xlabel: str, ylabel: str, title: str = "") -> Path:
    """One line per label, with its band shaded; writes ``path`` (PNG) and returns it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 4))
    for label, (xs, ys, lows, highs) in curves.items():
        (line,) = axes.plot(xs, ys, marker="o", markersize=3, label=label)
        if lows is not None and highs is not None:
            axes.fill_between(xs, lows, highs, color=line.get_color(), alpha=0.2)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_ylim(-0.02, 1.02)
    if title:
        axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend(loc="best", fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
