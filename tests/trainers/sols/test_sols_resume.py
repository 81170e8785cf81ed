"""A SoLS run killed with SIGKILL mid-way resumes from its last checkpoint and ends exactly where an
uninterrupted run ends: same weights, value head, STR contents and metrics."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from tests.conftest import REPO_ROOT


def _train_command(run_dir: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "actionspace",
        "train",
        "configs/sols_simphone.yaml",
        f"run.dir={run_dir}",
        "run.save_every=1",
        "run.progress=false",
        "run.use_tensorboard=false",
        "env.templates=[WifiOn,OpenApp]",
        "env.max_steps=2",
        "eval_env.templates=[OpenApp]",
        "eval_env.max_steps=2",
        "iterations=5",
        "episodes_per_iteration=3",
        "num_envs=3",
        "max_new_tokens=6",
        "minibatch_size=4",
        "learning_rate=1e-3",
        "eval_every=0",
        "eval_episodes_per_template=1",
        *extra,
    ]


def _final_state(run_dir: Path):
    params = load_file(str(run_dir / "model" / "model.safetensors"))
    params |= {f"value_head.{k}": v for k, v in torch.load(run_dir / "model" / "value_head.pt").items()}
    metrics = [
        {k: v for k, v in json.loads(line).items() if k != "wall_time" and not k.startswith("perf/")}
        for line in (run_dir / "metrics.jsonl").read_text().splitlines()
    ]
    return params, metrics


@pytest.mark.slow
def test_sigkill_mid_run_then_resume_equals_uninterrupted(tmp_path):
    env = os.environ | {"OMP_NUM_THREADS": "1", "PYTHONPATH": REPO_ROOT}
    reference_dir, killed_dir = tmp_path / "reference", tmp_path / "killed"
    subprocess.run(_train_command(reference_dir), cwd=REPO_ROOT, env=env, check=True, capture_output=True)

    process = subprocess.Popen(
        _train_command(killed_dir), cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    while not (killed_dir / "checkpoints" / "step_00000002").exists():
        assert process.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not (killed_dir / "model").exists(), "the run finished before SIGKILL; nothing was tested"

    resumed = subprocess.run(
        _train_command(killed_dir, "run.resume=true"),
        cwd=REPO_ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "resumed from" in resumed.stdout

    reference_params, reference_metrics = _final_state(reference_dir)
    params, metrics = _final_state(killed_dir)
    assert reference_params.keys() == params.keys()
    assert all(torch.equal(reference_params[k], params[k]) for k in params)
    assert metrics == reference_metrics
    assert [m["step"] for m in metrics if "train/loss" in m] == [1, 2, 3, 4, 5]
