"""Two processes under `accelerate launch` (gloo on CPU): ranks stay identical; the CLI runs under it."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from tests.conftest import REPO_ROOT

pytestmark = [pytest.mark.multiprocess, pytest.mark.slow]


def accelerate_launch(config: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    launcher = shutil.which("accelerate", path=str(Path(sys.executable).parent)) or "accelerate"
    env = os.environ | {"OMP_NUM_THREADS": "1", "PYTHONPATH": REPO_ROOT}
    return subprocess.run(
        [launcher, "launch", "--config_file", f"configs/accelerate/{config}", *arguments],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_two_ranks_hold_identical_parameters_after_training(tmp_path):
    result = accelerate_launch("ddp.yaml", "tests/core/ddp_worker.py", str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    for rank in (0, 1):
        world, changed, total = map(int, (tmp_path / f"rank{rank}.txt").read_text().split())
        assert world == 2, "the processes did not form one group"
        assert changed == total, "training left some parameters unchanged"
    rank0, rank1 = load_file(str(tmp_path / "rank0.safetensors")), load_file(str(tmp_path / "rank1.safetensors"))
    assert rank0.keys() == rank1.keys() and all(torch.equal(rank0[k], rank1[k]) for k in rank0)


def test_ranks_with_unequal_rollouts_share_the_batch_statistics_and_take_the_same_minibatches(tmp_path):
    """ARIA's self-play leaves each rank its own moves (rank 1 keeps 3 fewer, in minibatches of 2). The returns are
    scaled over both ranks' moves, and the ranks agree on the fewer minibatches, or DDP's all-reduce would wait
    for a step that never comes."""
    result = accelerate_launch("ddp.yaml", "tests/core/ddp_aria_worker.py", str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    reports = [json.loads((tmp_path / f"rank{rank}.json").read_text()) for rank in (0, 1)]
    assert [r["processes"] for r in reports] == [2, 2]
    moves = [len(r["returns"]) for r in reports]
    assert moves[0] - moves[1] == 3 and moves[1] > 0
    # The recipe's return_scale_quantile (0.9) of both ranks' returns, not of each rank's own.
    scale = np.quantile(reports[0]["returns"] + reports[1]["returns"], 0.9)
    for report in reports:
        assert report["advantages"] == pytest.approx([value / scale for value in report["returns"]])
    assert [r["updates"] for r in reports] == [math.ceil(moves[1] / 2)] * 2
    rank0, rank1 = load_file(str(tmp_path / "rank0.safetensors")), load_file(str(tmp_path / "rank1.safetensors"))
    assert all(torch.equal(rank0[k], rank1[k]) for k in rank0)


@pytest.mark.parametrize("config", ["single_cpu.yaml", "ddp.yaml"])
def test_cli_train_under_accelerate_launch(config, tmp_path):
    run_dir = tmp_path / "run"
    result = accelerate_launch(
        config,
        "-m",
        "actionspace",
        "train",
        "configs/sft_phone_commands.yaml",
        f"run.dir={run_dir}",
        "max_steps=4",
        "batch_size=8",
        "warmup_steps=1",
        "data.num_train=32",
        "data.num_test=4",
        "eval_max_new_tokens=4",
        "run.log_every=1",
        "run.progress=false",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (run_dir / "model" / "model.safetensors").is_file()
    steps = [
        json.loads(line)["step"]
        for line in (run_dir / "metrics.jsonl").read_text().splitlines()
        if "train/loss" in line
    ]
    assert steps == [1, 2, 3, 4]  # logged once, by the main process only
    assert result.stdout.count("| after (step 4) |") == 1
