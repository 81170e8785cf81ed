"""The real-device recipe, configs/sols_androidworld.yaml, on the tiny model: the same code path as a real
checkpoint on an emulator (LoRA, `accelerate launch`, the android-env adapter), with android-env's
FakeSimulator standing in for the emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from actionspace.cli import main

RECIPE = "configs/sols_androidworld.yaml"
pytest.importorskip("android_env")


def test_recipe_fails_before_any_work_without_an_android_sdk(tmp_path, capsys):
    code = main(["train", RECIPE, f"run.dir={tmp_path / 'run'}", f"env.kwargs.android_sdk_root={tmp_path}"])
    assert code == 2
    assert "no Android SDK" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


@pytest.mark.slow
def test_recipe_trains_lora_under_accelerate_launch_on_the_fake_simulator(tmp_path):
    run_dir = tmp_path / "run"
    overrides = [
        f"run.dir={run_dir}",
        "run.progress=false",
        "run.save_every=1",
        "env.kwargs.simulator=fake",
        "env.kwargs.max_steps=2",
        "eval_env.kwargs.simulator=fake",
        "eval_env.kwargs.max_steps=2",
        "iterations=2",
        "episodes_per_iteration=2",
        "str_samples=2",
        "minibatch_size=4",
        "max_new_tokens=8",
        "eval_every=0",
        "eval_episodes_per_template=1",
    ]
    command = [
        sys.executable, "-m", "accelerate.commands.launch",
        "--config_file", "configs/accelerate/single_cpu.yaml",
        "-m", "actionspace", "train", RECIPE, *overrides,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=os.environ | {"CI": "true"})
    assert result.returncode == 0, result.stderr[-3000:]

    records = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    updates = [r for r in records if "train/loss" in r]
    assert [r["step"] for r in updates] == [1, 2]
    # Two episodes of the fake device, each truncated at max_steps = 2, every step a transition.
    assert all(r["rollout/ep_len_mean"] == 2 and r["train/batch_size"] == 4 for r in updates)
    assert sorted(p.name for p in (run_dir / "checkpoints").iterdir()) == ["step_00000001", "step_00000002"]
    saved = json.loads((run_dir / "results.json").read_text())
    assert set(saved) == {"before (step 0)", "after (step 2)"}
    assert "greedy success on android tasks" in (run_dir / "results.md").read_text()
    # LoRA was trained and merged into the exported model, which loads as a plain checkpoint.
    assert (run_dir / "model" / "config.json").is_file() and (run_dir / "model" / "value_head.pt").is_file()
    assert not (run_dir / "model" / "adapter_config.json").exists()
    config = (run_dir / "config.yaml").read_text()
    assert "use_lora: true" in config and "name: android" in config
