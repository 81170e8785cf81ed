"""A SoLS run killed with SIGKILL mid-way resumes from its last checkpoint and ends exactly where an
uninterrupted run ends: same weights, value head, STR contents and metrics."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

from tests.resume import assert_same_end, final_state, reference_and_resumed_runs


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
        "env.kwargs.templates=[WifiOn,OpenApp]",
        "env.kwargs.max_steps=2",
        "eval_env.kwargs.templates=[OpenApp]",
        "eval_env.kwargs.max_steps=2",
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


@pytest.mark.slow
def test_sigkill_mid_run_then_resume_equals_uninterrupted(tmp_path):
    reference_dir, killed_dir = reference_and_resumed_runs(_train_command, tmp_path, kill_after_step=2)
    resumed = final_state_with_value_head(killed_dir)
    assert_same_end(final_state_with_value_head(reference_dir), resumed)
    assert [m["step"] for m in resumed[1] if "train/loss" in m] == [1, 2, 3, 4, 5]


def final_state_with_value_head(run_dir: Path):
    params, metrics = final_state(run_dir)
    params |= {f"value_head.{k}": v for k, v in torch.load(run_dir / "model" / "value_head.pt").items()}
    return params, metrics
