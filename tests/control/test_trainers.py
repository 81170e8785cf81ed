"""The control trainers end to end on small budgets: they learn, log, checkpoint and resume."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from actionspace.cli import _load_layers, load_train_config, main
from actionspace.core.run import Run

_load_layers()


def _train(config_path: str, tmp_path, *overrides: str):
    trainer_class, config, _ = load_train_config(
        config_path, [*overrides, f"run.root={tmp_path}", "run.progress=false", "run.use_tensorboard=false"]
    )
    with Run(config.run) as run:
        trainer = trainer_class.from_config(config, run)
        results = trainer.train()
        records = [json.loads(line) for line in (run.output_dir / "metrics.jsonl").read_text().splitlines()]
        return trainer, results, records, run.output_dir


# The one-shot MultiGoal recipe with a single goal: learnable in a few thousand steps.
ONE_GOAL = ["env.kwargs.num_goals=1", "eval_episodes=20"]


@pytest.mark.slow
@pytest.mark.parametrize("method", ["ppo", "genpo"])
def test_on_policy_methods_learn_a_one_goal_task(tmp_path, method):
    _, results, records, _ = _train(
        f"configs/{method}_multigoal.yaml", tmp_path, *ONE_GOAL, "total_env_steps=8192", "entropy_coef=0.0"
    )
    assert results["before"]["eval/success"] <= 0.2
    assert results["after"]["eval/success"] >= 0.9
    returns = [r["train/episode_return"] for r in records if "train/episode_return" in r]
    assert np.mean(returns[-3:]) > np.mean(returns[:3])  # sampled actions improve too, if slowly for the Gaussian
    assert all(np.isfinite(r.get("train/loss", 0.0)) for r in records)


def test_ppo_logs_the_expected_metrics_and_checkpoints_normalisers(tmp_path):
    trainer, _, records, output_dir = _train(
        "configs/ppo_halfcheetah.yaml",
        tmp_path,
        "env.num_envs=2",
        "rollout_steps=64",
        "minibatches=4",
        "total_env_steps=256",
        "eval_episodes=1",
        "env.max_episode_steps=50",
        "run.save_every=1",
    )
    keys = set().union(*records)
    for key in (
        "train/policy_loss",
        "train/value_loss",
        "train/approx_kl",
        "train/clip_fraction",
        "train/lr",
        "train/explained_variance",
        "env_steps",
        "perf/env_steps_per_s",
        "eval/return",
    ):
        assert key in keys, key
    assert [r["env_steps"] for r in records if "train/lr" in r] == [128.0, 256.0]
    checkpoint = sorted((output_dir / "checkpoints").iterdir())[-1]
    saved = list(checkpoint.glob("custom_checkpoint_*"))
    assert len(saved) >= 4  # both normalisers, the learning rate and the eval history
    assert trainer.obs_normalizer.stats.count > 256  # updated from every collected observation


def test_ppo_resume_continues_from_the_checkpoint(tmp_path):
    common = [
        "env.num_envs=2",
        "rollout_steps=64",
        "minibatches=4",
        "eval_episodes=1",
        "env.max_episode_steps=50",
        "run.save_every=1",
        f"run.root={tmp_path}",
        "run.progress=false",
        "run.name=resume",
    ]
    assert main(["train", "configs/ppo_halfcheetah.yaml", "total_env_steps=256", *common]) == 0
    first = sorted((tmp_path / "resume").iterdir())[0]
    lr_before = json.loads((first / "metrics.jsonl").read_text().splitlines()[-2])["train/lr"]
    assert main(["train", "configs/ppo_halfcheetah.yaml", "total_env_steps=512", "run.resume=true", *common]) == 0
    records = [json.loads(line) for line in (first / "metrics.jsonl").read_text().splitlines()]
    steps = [r["env_steps"] for r in records if "train/lr" in r]
    assert steps == [128.0, 256.0, 384.0, 512.0]  # iterations 3-4 continued the same run directory
    assert records[0]["step"] == 0 and lr_before > 0


def test_cqn_as_mechanics(tmp_path):
    trainer, results, records, _ = _train(
        "configs/cqn_as_sparse_reacher.yaml",
        tmp_path,
        "total_env_steps=300",
        "learning_starts=100",
        "demo_episodes=3",
        "eval_episodes=2",
        "eval_every=0",
        "run.log_every=50",
        "batch_size=16",
    )
    logged = [r for r in records if "train/td_loss" in r]
    assert logged and all(np.isfinite(r["train/loss"]) for r in logged)
    assert logged[-1]["train/demo_fraction"] == pytest.approx(0.5)
    assert len(trainer.replay) == 300
    # Q of the demo-heavy batch moves up from its zero-head start (uniform over [-0.5, 1.5] -> 0.5).
    assert "eval/success" in results["after"]
    torch.testing.assert_close(trainer.target.support, trainer.run.unwrap(trainer.critic).support)


def test_cqn_k1_is_cqn_and_rejects_an_env_without_expert(tmp_path, capsys):
    code = main(["train", "configs/cqn_sparse_reacher.yaml", "env.id=Pendulum-v1", f"run.root={tmp_path}"])
    assert code == 2
    assert "scripted expert" in capsys.readouterr().err
