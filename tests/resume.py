"""The kill-and-resume check every trainer's CLI run must pass: SIGKILL a run right after a given
checkpoint, resume it, and compare its final state with an uninterrupted run's."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import torch
from safetensors.torch import load_file

from tests.conftest import REPO_ROOT


def final_state(run_dir: Path) -> tuple[dict, list[dict]]:
    """The exported weights and the metrics (wall time and perf/* aside, which differ run to run)."""
    params = load_file(str(run_dir / "model" / "model.safetensors"))
    metrics = [
        {k: v for k, v in json.loads(line).items() if k != "wall_time" and not k.startswith("perf/")}
        for line in (run_dir / "metrics.jsonl").read_text().splitlines()
    ]
    return params, metrics


def assert_same_end(reference: tuple[dict, list[dict]], resumed: tuple[dict, list[dict]]) -> None:
    """Bit-identical weights and identical metrics (as :func:`final_state` returns them)."""
    (reference_params, reference_metrics), (params, metrics) = reference, resumed
    assert reference_params.keys() == params.keys()
    assert all(torch.equal(reference_params[k], params[k]) for k in params)
    assert metrics == reference_metrics


def reference_and_resumed_runs(
    command: Callable[..., list[str]], root: Path, kill_after_step: int
) -> tuple[Path, Path]:
    """Runs ``command(run_dir)`` once to the end, and once killed after checkpoint ``kill_after_step`` and
    resumed with ``run.resume=true``. Returns both run directories."""
    env = os.environ | {"OMP_NUM_THREADS": "1", "PYTHONPATH": REPO_ROOT}
    reference_dir, killed_dir = root / "reference", root / "killed"
    subprocess.run(command(reference_dir), cwd=REPO_ROOT, env=env, check=True, capture_output=True)

    process = subprocess.Popen(
        command(killed_dir), cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    while not (killed_dir / "checkpoints" / f"step_{kill_after_step:08d}").exists():
        assert process.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not (killed_dir / "model").exists(), "the run finished before SIGKILL; nothing was tested"

    resumed = subprocess.run(
        command(killed_dir, "run.resume=true"), cwd=REPO_ROOT, env=env, check=True, capture_output=True, text=True
    )
    assert "resumed from" in resumed.stdout
    return reference_dir, killed_dir
