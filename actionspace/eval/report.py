"""Result tables: markdown for terminals and docs, JSON for machines."""

from __future__ import annotations

import json
from pathlib import Path


def format_table(rows: dict[str, dict[str, float]], *, title: str = "") -> str:
    """A markdown table, one row per entry; ``x`` with ``x_low``/``x_high`` prints as ``x [low, high]``."""
    columns: list[str] = []
    for metrics in rows.values():
        for name in metrics:
            if name not in columns and not name.endswith(("_low", "_high")):
                columns.append(name)
    lines = [f"**{title}**", ""] if title else []
    lines.append("| | " + " | ".join(columns) + " |")
    lines.append("|---|" + "---|" * len(columns))
    for label, metrics in rows.items():
        cells = [_cell(metrics, name) for name in columns]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_results(directory: Path, rows: dict[str, dict[str, float]], *, title: str = "") -> str:
    """Writes ``results.json`` and ``results.md`` to ``directory``; returns the markdown."""
    table = format_table(rows, title=title)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "results.json").write_text(json.dumps(rows, indent=2))
    (directory / "results.md").write_text(table + "\n")
    return table


def _cell(metrics: dict[str, float], name: str) -> str:
    if name not in metrics:
        return ""
    value = metrics[name]
    has_interval = f"{name}_low" in metrics and f"{name}_high" in metrics
    if name == "num_examples" or float(value).is_integer() and abs(value) > 1 and not has_interval:
        return f"{value:.0f}"
    text = f"{value:.3f}"
    if has_interval:
        text += f" [{metrics[name + '_low']:.3f}, {metrics[name + '_high']:.3f}]"
    return text
