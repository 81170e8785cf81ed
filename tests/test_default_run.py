"""`make run`'s pipeline (scripts/default_run.py) end to end on a tiny budget: SFT, then SoLS + STR from the
SFT policy, then the SFT vs SoLS + STR table and the learning curve."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT


@pytest.mark.slow
def test_default_pipeline_trains_sft_then_sols_and_reports_both(tmp_path):
    command = [
        sys.executable, "scripts/default_run.py", "--root", str(tmp_path),
        "--sft", "max_steps=6", "warmup_steps=0", "data.num_train=16", "data.num_test=4", "run.progress=false",
        "--sols", "iterations=2", "episodes_per_iteration=4", "num_envs=4", "eval_every=1",
        "eval_episodes_per_template=1", "max_new_tokens=24", "run.progress=false",
    ]  # fmt: skip
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    (run,) = tmp_path.iterdir()
    # The SoLS run started from the SFT run's exported model.
    assert f"path: {run / 'sft' / 'model'}" in (run / "sols" / "config.yaml").read_text()
    table = result.stdout[result.stdout.index("Embedded default") :]
    assert "| SFT (the starting policy) |" in table and "| SoLS + STR (2 iterations) |" in table
    results = json.loads((run / "sols" / "results.json").read_text())
    assert set(results) == {"before (step 0)", "after (step 2)"}
    assert (run / "sols" / "learning_curve.png").stat().st_size > 1000
    assert (run / "sols" / "model" / "config.json").is_file()
