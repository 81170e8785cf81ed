"""The SoLS trainer's mechanics on the tiny model: rollouts, STR mixing, update, evaluation, export.

(That SoLS+STR *learns* better than its baselines is the SoLS issue's benchmark, not a unit test.)"""

from __future__ import annotations

import json
import math

import pytest
import torch

from actionspace.agents.transition import Transition
from actionspace.core.config import ConfigError, from_dict
from actionspace.core.run import Run
from actionspace.trainers.sols import SuccessfulTransitionReplay
from actionspace.trainers.sols.config import SoLSConfig
from actionspace.trainers.sols.trainer import SoLSTrainer
from tests.sampled_evaluation import evaluate_twice_from_another_stream


def tiny_config(tmp_path, **overrides) -> SoLSConfig:
    data = {
        "run": {"dir": str(tmp_path), "progress": False, "use_tensorboard": False, "save_every": 0},
        "env": {"kwargs": {"templates": ["WifiOn", "OpenApp"], "max_steps": 2}},
        "eval_env": {"split": "test", "kwargs": {"templates": ["OpenApp"], "max_steps": 2}},
        "iterations": 2,
        "episodes_per_iteration": 3,
        "num_envs": 3,
        "max_new_tokens": 6,
        "minibatch_size": 4,
        "learning_rate": 1e-3,
        "str_samples": 5,
        "eval_every": 0,
        "eval_episodes_per_template": 1,
    } | overrides
    return from_dict(SoLSConfig, data)


def test_iteration_collects_mixes_replay_updates_and_exports(tmp_path):
    config = tiny_config(tmp_path)
    with Run(config.run, config_to_save=config) as run:
        trainer = SoLSTrainer.from_config(config, run)
        # One stored success, so that STR has something to mix in even though the tiny model never succeeds.
        prompt = trainer.policy.tokenizer.apply_chat_template(
            [{"role": "user", "content": "Goal: Turn on Wi-Fi."}], tokenize=False, add_generation_prompt=True
        )
        trainer.replay.add_episode(
            [
                Transition(
                    "WifiOn", "e", 0, prompt, "{}", {}, 1.0, True, True, -3.0, action_token_ids=[5, 6, 7], return_=1.0
                )
            ]
        )
        before = {name: p.detach().clone() for name, p in trainer.policy.named_parameters()}
        results = trainer.train()
        after = dict(run.unwrap(trainer.policy).named_parameters())
    changed = [name for name in before if not torch.equal(before[name], after[name])]
    assert "value_head.weight" in changed and any(name.startswith("model.") for name in changed)

    records = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    steps = [r for r in records if "train/loss" in r]
    assert [r["step"] for r in steps] == [1, 2]
    for record in steps:
        for key in (
            "rollout/success_rate",
            "rollout/ep_len_mean",
            "train/policy_loss",
            "train/value_loss",
            "train/ratio_mean",
            "train/masked_frac",
            "train/str_size",
            "parity/mean_abs_diff",
        ):
            assert math.isfinite(record[key]), key
        assert record["parity/max_abs_diff"] < 1e-3  # HF generate and the learner share one model
        # every on-policy step (3 episodes) plus the 5 replayed transitions form the batch
        assert record["train/batch_size"] == record["rollout/ep_len_mean"] * 3 + 5
    assert {"success_rate", "success_rate_low", "invalid_rate"} <= results["before"].keys() <= results["after"].keys()
    assert (tmp_path / "model" / "value_head.pt").is_file() and (tmp_path / "model" / "config.json").is_file()


def test_replay_is_off_when_disabled(tmp_path):
    config = tiny_config(tmp_path, use_str=False, iterations=1, loss="ppo")
    with Run(config.run, config_to_save=config) as run:
        trainer = SoLSTrainer.from_config(config, run)
        trainer.train()
        assert isinstance(trainer.replay, SuccessfulTransitionReplay) and len(trainer.replay) == 0
    record = next(
        json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines() if "train/loss" in line
    )
    assert record["train/batch_size"] == record["rollout/ep_len_mean"] * 3 and "train/clip_frac" in record


def test_positive_ratio_cap_reaches_the_sols_loss_and_is_refused_elsewhere(tmp_path):
    config = tiny_config(tmp_path, positive_ratio_cap=1.0)
    with Run(config.run, config_to_save=config) as run:
        trainer = SoLSTrainer.from_config(config, run)
    # A positive sample far off-policy (rho = e^5) weighs 1 under the trainer's loss.
    logprobs = torch.tensor([5.0], requires_grad=True)
    trainer.loss_fn(logprobs, torch.zeros(1), torch.tensor([0.0]), torch.tensor([1.0]), value_coef=0.0).loss.backward()
    assert logprobs.grad.item() == pytest.approx(-1.0)
    with pytest.raises(ConfigError, match="loss=sols only, not loss=ppo"):
        tiny_config(tmp_path, positive_ratio_cap=1.0, loss="ppo")
    with pytest.raises(ConfigError, match="positive_ratio_cap must be >= 0"):
        tiny_config(tmp_path, positive_ratio_cap=-1.0)


def test_a_nan_loss_is_reported_and_its_step_skipped(tmp_path, capsys):
    from actionspace.core.losses import LossOutput
    from actionspace.trainers.sols.losses import sols_loss

    config = tiny_config(tmp_path, iterations=2, str_samples=0)
    with Run(config.run, config_to_save=config) as run:
        trainer = SoLSTrainer.from_config(config, run)
        iterations_collected = []
        collect = trainer._collect

        def counting_collect(iteration):
            iterations_collected.append(iteration)
            return collect(iteration)

        def nan_in_the_first_iteration(*args, **kwargs):
            output = sols_loss(*args, **kwargs)
            if len(iterations_collected) == 1:
                return LossOutput(output.loss * float("nan"), output.diagnostics)
            return output

        trainer._collect = counting_collect
        trainer.loss_fn = nan_in_the_first_iteration
        before = {name: p.detach().clone() for name, p in trainer.policy.named_parameters()}
        after_first = {}
        update = trainer._update

        def update_and_snapshot(batch, iteration):
            metrics = update(batch, iteration)
            if not after_first:
                after_first.update({n: p.detach().clone() for n, p in trainer.policy.named_parameters()})
            return metrics

        trainer._update = update_and_snapshot
        trainer.train()
        after = {name: p.detach().clone() for name, p in trainer.policy.named_parameters()}
    first, second = (
        json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines() if "train/batch_size" in line
    )
    # Iteration 1: every minibatch's loss was NaN, each was reported and skipped, and nothing was applied.
    assert first["train/updates"] == 0 and first["train/skipped_nonfinite"] >= 1
    assert "non-finite loss" in capsys.readouterr().out
    assert all(torch.equal(before[n], after_first[n]) for n in before)
    # Iteration 2 trained normally on finite losses.
    assert second["train/updates"] >= 1 and second["train/skipped_nonfinite"] == 0
    assert any(not torch.equal(before[n], after[n]) for n in before)
    assert all(torch.isfinite(p).all() for p in after.values())


def test_kl_penalty_scores_the_reference_once_and_keeps_it_frozen(tmp_path):
    config = tiny_config(tmp_path, kl_coef=0.5, iterations=2)
    with Run(config.run, config_to_save=config) as run:
        trainer = SoLSTrainer.from_config(config, run)
        start = {name: p.detach().clone() for name, p in trainer.policy.model.named_parameters()}
        batches = []
        update = trainer._update

        def keep_batch(batch, iteration):
            batches.append(batch)
            return update(batch, iteration)

        trainer._update = keep_batch
        trainer.train()
        reference = dict(trainer._reference.copy.model.named_parameters())
        # The reference is the starting policy and never trains, while the policy moved.
        assert all(torch.equal(start[name], reference[name]) for name in start)
        assert any(not torch.equal(start[name], p) for name, p in run.unwrap(trainer.policy).model.named_parameters())
        # Every action carries one reference log-prob per token, equal to the starting policy's own score.
        first = batches[0]
        assert all(len(t.reference_token_logprobs) == len(t.action_token_ids) for t in first)
        rescored = trainer._reference.score(
            run.unwrap(trainer.policy), [t.prompt for t in first[:3]], [t.action_token_ids for t in first[:3]]
        )
        for transition, expected in zip(first[:3], rescored.action_token_logprobs(), strict=True):
            assert transition.reference_token_logprobs == pytest.approx(expected, abs=1e-5)
    records = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    kls = [r["train/kl"] for r in records if "train/kl" in r]
    assert len(kls) == 2 and all(kl >= 0 for kl in kls) and kls[-1] > 0


def test_learning_curve_png_is_written_against_env_steps(tmp_path):
    from actionspace.eval.plots import read_curve

    config = tiny_config(tmp_path, iterations=2, eval_every=1)
    with Run(config.run, config_to_save=config) as run:
        SoLSTrainer.from_config(config, run).train()
    assert (tmp_path / "learning_curve.png").stat().st_size > 1000
    xs, ys, low, high = read_curve(tmp_path / "metrics.jsonl", "eval/success_rate")
    records = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    env_steps = [r["rollout/env_steps"] for r in records if "rollout/env_steps" in r]
    # before training at 0, after iteration 1 and at the end (after iteration 2), each at the steps taken so far
    assert xs == [0.0, env_steps[0], env_steps[1]] and len(ys) == 3
    assert env_steps[1] > env_steps[0] > 0 and all(lo <= y <= hi for lo, y, hi in zip(low, ys, high, strict=True))


def test_sampled_evaluation_repeats_exactly_and_leaves_the_training_stream_alone(tmp_path, monkeypatch):
    """``eval_temperature`` > 0 samples; every policy of a run seed meets the same draws."""
    from actionspace.trainers.sols import trainer as trainer_module

    played: list[tuple[float, list[str]]] = []
    run_episodes = trainer_module.run_episodes

    def recording_run_episodes(make_env, policy, jobs, **kwargs):
        actions: list[str] = []
        episodes = run_episodes(make_env, policy, jobs, on_step=lambda step: actions.append(step.action), **kwargs)
        played.append((policy.sampling.temperature, actions))
        return episodes

    monkeypatch.setattr(trainer_module, "run_episodes", recording_run_episodes)
    config = tiny_config(tmp_path, eval_temperature=1.0, eval_episodes_per_template=4, num_envs=4)
    with Run(config.run) as run:
        trainer = SoLSTrainer.from_config(config, run)
        first = evaluate_twice_from_another_stream(trainer)
        trainer.config.eval_temperature = 0.0
        trainer.evaluate()
    assert first["episodes"] == 4
    assert played[0][0] == 1.0 and played[0] == played[1]  # sampled, and drawn the same both times
    assert played[2][0] == 0.0 and played[2][1] != played[0][1]


def test_evaluation_reports_each_task_and_the_whole(tmp_path, monkeypatch):
    """Per-task success beside the overall one (AndroidWorld reports both); the overall counts episodes, not tasks."""
    from actionspace.envs.episodes import Episode
    from actionspace.trainers.sols import trainer as trainer_module

    played = [
        Episode("WifiOn", 0, success=True, steps=2, invalid_actions=0),
        Episode("WifiOn", 1, success=False, steps=10, invalid_actions=4),
        Episode("OpenApp", 0, success=True, steps=3, invalid_actions=0),
        Episode("OpenApp", 1, success=True, steps=5, invalid_actions=1),
    ]
    monkeypatch.setattr(trainer_module, "run_episodes", lambda *args, **kwargs: played)
    config = tiny_config(tmp_path)
    with Run(config.run) as run:
        metrics = SoLSTrainer.from_config(config, run).evaluate()
    assert metrics["success_rate/WifiOn"] == 0.5 and metrics["success_rate/OpenApp"] == 1.0
    assert metrics["success_rate"] == 0.75 and metrics["episodes"] == 4.0
    assert metrics["invalid_rate"] == 5 / 20
    assert metrics["success_rate_low"] < 0.75 < metrics["success_rate_high"]
