"""SFT trainer on the tiny model: it learns, logs, exports, and resumes exactly after SIGKILL."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest
import torch

from actionspace.core.config import from_dict
from actionspace.core.models import ModelConfig, load_model
from actionspace.core.run import Run
from actionspace.trainers.sft import SFTConfig, SFTTrainer
from tests.resume import assert_same_end, final_state, reference_and_resumed_runs


def small_config(run_config, **overrides) -> SFTConfig:
    data = {
        "run": vars(run_config),
        "max_steps": 4,
        "batch_size": 4,
        "warmup_steps": 1,
        "data": {"num_train": 16, "num_test": 4},
        "eval_max_new_tokens": 8,
    } | overrides
    return from_dict(SFTConfig, data)


def test_train_updates_every_parameter_and_logs_finite_metrics(run_config):
    config = small_config(run_config, eval_before_training=True)
    with Run(config.run, config_to_save=config) as run:
        trainer = SFTTrainer.from_config(config, run)
        before = {n: p.detach().clone() for n, p in trainer.model.named_parameters()}
        results = trainer.train()
        after = dict(run.unwrap(trainer.model).named_parameters())
        output_dir = run.output_dir
    assert all(not torch.equal(before[n], after[n]) for n in before), "some parameter did not change"
    records = [json.loads(line) for line in (output_dir / "metrics.jsonl").read_text().splitlines()]
    train_keys = {"train/loss", "train/grad_norm", "train/token_accuracy", "train/learning_rate"}
    logged = [r for r in records if "train/loss" in r]
    assert logged and all(train_keys <= r.keys() and all(math.isfinite(r[k]) for k in train_keys) for r in logged)
    assert {"accuracy", "valid_json", "num_examples"} <= results["before"].keys() <= results["after"].keys()
    reloaded, _ = load_model(ModelConfig(path=str(output_dir / "model")))
    assert all(torch.equal(p, after[n]) for n, p in reloaded.named_parameters())


def test_lora_run_exports_adapter_and_merged_model(run_config):
    config = small_config(
        run_config, model={"use_lora": True, "lora_r": 4}, learning_rate=1e-2, eval_before_training=False
    )
    with Run(config.run, config_to_save=config) as run:
        trainer = SFTTrainer.from_config(config, run)
        trainer.train()
        output_dir = run.output_dir
    assert (output_dir / "adapter" / "adapter_config.json").is_file()
    merged, _ = load_model(ModelConfig(path=str(output_dir / "model")))
    assert not any("lora" in name for name, _ in merged.named_parameters())


def test_nonfinite_loss_skips_the_update(run_config, monkeypatch):
    import actionspace.trainers.sft.trainer as module

    real_loss = module.sft_loss

    def poisoned(logits, labels):
        output = real_loss(logits, labels)
        output.loss = output.loss * float("nan")
        return output

    monkeypatch.setattr(module, "sft_loss", poisoned)
    config = small_config(run_config, max_steps=2, eval_before_training=False)
    with Run(config.run, config_to_save=config) as run:
        trainer = SFTTrainer.from_config(config, run)
        before = [p.detach().clone() for p in trainer.model.parameters()]
        trainer.train()
        assert all(torch.equal(a, b) for a, b in zip(before, run.unwrap(trainer.model).parameters(), strict=True))
        records = [json.loads(line) for line in (run.output_dir / "metrics.jsonl").read_text().splitlines()]
    assert any(r.get("train/skipped_nonfinite") == 1.0 for r in records)


def _train_command(run_dir: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "actionspace",
        "train",
        "configs/sft_phone_commands.yaml",
        f"run.dir={run_dir}",
        "max_steps=40",
        "batch_size=8",
        "warmup_steps=2",
        "data.num_train=200",
        "data.num_test=8",
        "run.save_every=10",
        "run.log_every=5",
        "run.progress=false",
        "eval_max_new_tokens=8",
        *extra,
    ]


@pytest.mark.slow
def test_sigkill_mid_run_then_resume_equals_uninterrupted(tmp_path):
    reference_dir, killed_dir = reference_and_resumed_runs(_train_command, tmp_path, kill_after_step=20)
    assert_same_end(final_state(reference_dir), final_state(killed_dir))


def test_data_kwargs_reach_the_data_set_and_bad_ones_fail_before_any_run(tmp_path, capsys):
    from actionspace.cli import main
    from actionspace.core.config import ConfigError
    from actionspace.trainers.sft.config import DataConfig

    demos = from_dict(DataConfig, {"name": "simphone_demos", "kwargs": {"templates": ["WifiOn"]}}).build()
    goals = {example["messages"][0]["content"].splitlines()[0] for example in demos.examples("train", 12, 0)}
    assert goals and all(goal.startswith("Goal:") and "Wi-Fi" in goal for goal in goals)
    with pytest.raises(ConfigError, match="not accepted by data set 'simphone_demos'"):
        from_dict(DataConfig, {"name": "simphone_demos", "kwargs": {"template": ["WifiOn"]}})
    with pytest.raises(ConfigError, match="unknown simphone template 'Nope'"):
        from_dict(DataConfig, {"name": "simphone_demos", "kwargs": {"templates": ["Nope"]}})
    code = main(["train", "configs/sft_simphone.yaml", f"run.dir={tmp_path / 'run'}", "data.kwargs.templates=[Nope]"])
    assert code == 2 and "unknown simphone template" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()
