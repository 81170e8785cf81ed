"""Run: output layout, metrics, atomic checkpoints, exact resume, clean stop on SIGTERM."""

from __future__ import annotations

import errno
import json
import os
import signal
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from accelerate import Accelerator

from actionspace.core.errors import CheckpointWriteError
from actionspace.core.run import Run, RunInterrupted, latest_checkpoint


class Counter:
    """A custom checkpointed object, as a replay buffer or eval history would be."""

    def __init__(self) -> None:
        self.value = 0

    def state_dict(self):
        return {"value": self.value}

    def load_state_dict(self, state):
        self.value = state["value"]


def train(config, total, *, stop_at=None):
    """A tiny regression loop on the Run surface; returns (run dir, params, counter, torch RNG sample)."""
    torch.manual_seed(123)  # data and init independent of Run's own seeding
    model = torch.nn.Linear(3, 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.05)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
    counter = Counter()
    with Run(config, config_to_save={"total": total}) as run:
        model, optimizer = run.prepare(model, optimizer)
        run.register_for_checkpointing(scheduler, counter)
        run.restore()
        for _ in run.steps(total):
            x = torch.randn(8, 3)  # drawn from the global RNG, which checkpoints must restore
            loss = (model(x) - x.sum(1, keepdim=True)).pow(2).mean()
            run.accelerator.backward(loss)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            counter.value += 1
            run.log({"train/loss": loss})
            if stop_at is not None and run.step == stop_at:
                os.kill(os.getpid(), signal.SIGTERM)
        params = [p.detach().clone() for p in run.unwrap(model).parameters()]
        return run.output_dir, params, counter.value, torch.rand(1).item()


def metrics(run_dir):
    return [
        {k: v for k, v in json.loads(line).items() if k != "wall_time" and not k.startswith("perf/")}
        for line in (run_dir / "metrics.jsonl").read_text().splitlines()
    ]


def test_output_layout_and_saved_config(run_config):
    out, *_ = train(run_config, 4)
    assert out.parent.name == "test" and out.parent.parent.name == "runs"
    assert (out / "config.yaml").read_text() == "total: 4\n"
    assert [m["step"] for m in metrics(out)] == [1, 2, 3, 4]
    assert latest_checkpoint(out / "checkpoints").name == "step_00000004"


def test_checkpoints_every_n_steps_keep_the_last_k(run_config):
    out, *_ = train(replace(run_config, save_every=2, keep_checkpoints=2), 7)
    names = sorted(p.name for p in (out / "checkpoints").iterdir())
    assert names == ["step_00000006", "step_00000007"]


def test_half_written_checkpoint_is_ignored(tmp_path):
    checkpoints = tmp_path / "checkpoints"
    (checkpoints / "step_00000002").mkdir(parents=True)
    (checkpoints / "step_00000002" / "run_state.json").write_text('{"step": 2}')
    (checkpoints / ".tmp-step_00000004").mkdir()  # a save killed before the rename
    (checkpoints / "step_00000003").mkdir()  # no run_state.json: not complete
    assert latest_checkpoint(checkpoints).name == "step_00000002"


def test_stop_then_resume_equals_uninterrupted(run_config, tmp_path):
    _, reference_params, reference_count, reference_rng = train(replace(run_config, dir=str(tmp_path / "a")), 10)

    interrupted = replace(run_config, dir=str(tmp_path / "b"), save_every=4)
    with pytest.raises(RunInterrupted) as stop:
        train(interrupted, 10, stop_at=6)
    assert stop.value.step == 6  # stopped at the step boundary, after checkpointing step 6
    assert latest_checkpoint(tmp_path / "b" / "checkpoints").name == "step_00000006"

    out, params, count, rng = train(replace(interrupted, resume=True), 10)
    assert out == tmp_path / "b"
    assert all(torch.equal(a, b) for a, b in zip(params, reference_params, strict=True))
    assert count == reference_count == 10
    assert rng == reference_rng  # RNG state was restored, so the stream continues identically
    assert metrics(tmp_path / "b") == metrics(tmp_path / "a")


def test_resume_drops_metrics_logged_after_the_checkpoint(run_config, tmp_path):
    config = replace(run_config, dir=str(tmp_path / "r"), save_every=3)
    train(config, 3)
    with (tmp_path / "r" / "metrics.jsonl").open("a") as stale:  # what a killed run logged past step 3
        stale.write(json.dumps({"step": 4, "train/loss": 99.0}) + "\n")
    train(replace(config, resume=True), 5)
    steps = [m["step"] for m in metrics(tmp_path / "r")]
    assert steps == [1, 2, 3, 4, 5] and 99.0 not in [m.get("train/loss") for m in metrics(tmp_path / "r")]


def test_resume_without_dir_picks_the_newest_run(run_config):
    first, *_ = train(replace(run_config, save_every=2), 3)
    resumed, *_ = train(replace(run_config, resume=True), 5)
    assert resumed == first


def test_resume_with_nothing_to_resume_starts_fresh(run_config, capsys):
    out, _, count, _ = train(replace(run_config, resume=True), 2)
    assert count == 2 and "no checkpoint" in capsys.readouterr().out


def test_tensorboard_events_are_written(run_config):
    out, *_ = train(replace(run_config, use_tensorboard=True), 2)
    assert any((out / "tensorboard").iterdir())


def test_failed_checkpoint_write_names_the_last_good_one_and_resume_recovers(run_config, tmp_path, monkeypatch):
    _, reference_params, reference_count, _ = train(replace(run_config, dir=str(tmp_path / "a")), 4)

    config = replace(run_config, dir=str(tmp_path / "b"), save_every=2)
    real_save_state = Accelerator.save_state

    def disk_full_at_step_4(accelerator, output_dir, **kwargs):
        if output_dir.endswith("step_00000004"):
            (Path(output_dir) / "model.safetensors").parent.mkdir(parents=True)
            (Path(output_dir) / "model.safetensors").write_bytes(b"half")
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save_state(accelerator, output_dir, **kwargs)

    monkeypatch.setattr(Accelerator, "save_state", disk_full_at_step_4)
    with pytest.raises(CheckpointWriteError) as failure:
        train(config, 4)
    message = str(failure.value)
    assert "step 4" in message and "No space left on device" in message
    assert "step_00000002" in message and "run.resume=true" in message
    checkpoints = tmp_path / "b" / "checkpoints"
    assert sorted(p.name for p in checkpoints.iterdir()) == ["step_00000002"]  # the half-written one is gone

    monkeypatch.setattr(Accelerator, "save_state", real_save_state)
    _, params, count, _ = train(replace(config, resume=True), 4)
    assert count == reference_count == 4
    assert all(torch.equal(a, b) for a, b in zip(params, reference_params, strict=True))


def test_minibatch_starts_cover_every_item_in_one_process(run_config):
    with Run(run_config) as run:
        assert list(run.minibatch_starts(5, 2)) == [0, 2, 4]  # the last minibatch holds the one left over
        assert list(run.minibatch_starts(4, 2)) == [0, 2] and list(run.minibatch_starts(0, 2)) == []
