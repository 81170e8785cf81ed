"""ARIA's trainer: the loss by hand, each advantage on hand-made games, and a run end to end on the tiny model.

(That ARIA beats REINFORCE is benchmarks/aria_table.py's question, not a unit test's.)"""

from __future__ import annotations

import json
import math
import sys

import numpy as np
import pytest
import torch

from actionspace.agents.text_policy import TextPolicy, render_prompt
from actionspace.agents.transition import Transition
from actionspace.cli import load_train_config, main
from actionspace.core.config import from_dict
from actionspace.core.run import Run
from actionspace.serving.engine import Generation
from actionspace.trainers.aria import trainer as trainer_module
from actionspace.trainers.aria.config import ARIAConfig
from actionspace.trainers.aria.losses import reinforce_loss
from actionspace.trainers.aria.rollout import GameSample, collect_games
from actionspace.trainers.aria.trainer import ARIATrainer
from tests.resume import assert_same_end, final_state, reference_and_resumed_runs
from tests.sampled_evaluation import evaluate_twice_from_another_stream
from tests.trainers.aria.test_rollout import Tokenizer


def test_reinforce_loss_matches_hand_computation():
    # log pi = [-1, -2, -4] over [1, 2, 4] tokens; A = [1, -0.5, 0.25]
    # policy = -mean(A * log pi) = -(-1 + 1 - 1) / 3 = 1/3
    # bc = -mean(log pi / tokens) = -(-1 - 1 - 1) / 3 = 1 ; loss = 1/3 + 0.5 * 1
    logprobs = torch.tensor([-1.0, -2.0, -4.0], requires_grad=True)
    output = reinforce_loss(logprobs, torch.tensor([1.0, -0.5, 0.25]), torch.tensor([1.0, 2.0, 4.0]), sft_coef=0.5)
    assert output.diagnostics["policy_loss"].item() == pytest.approx(1 / 3)
    assert output.diagnostics["bc_loss"].item() == pytest.approx(1.0)
    assert output.loss.item() == pytest.approx(1 / 3 + 0.5)
    output.loss.backward()
    # d/d log pi_i = (-A_i - 0.5 / tokens_i) / 3
    assert torch.allclose(logprobs.grad, torch.tensor([-1.5, 0.25, -0.375]) / 3)
    with pytest.raises(ValueError, match="expected"):
        reinforce_loss(logprobs, torch.zeros(2), torch.ones(3))


def test_clipped_reinforce_loss_stops_a_move_whose_ratio_left_the_range_in_its_advantages_direction():
    # log pi - log mu = [0, 0.5, -0.5, 0.1], so rho = [1, e^0.5, e^-0.5, e^0.1]; A = [1, 0.5, -0.25, -1], eps 0.2.
    # move 0: rho = 1, min(1, 1) = 1, gradient A = 1 (REINFORCE's)
    # move 1: A > 0 and rho = 1.65 > 1.2: min(0.824, 1.2 * 0.5) = 0.6, a constant: no gradient
    # move 2: A < 0 and rho = 0.61 < 0.8: min(-0.152, 0.8 * -0.25) = -0.2, a constant: no gradient
    # move 3: rho = 1.105 in range: rho A = -1.105, gradient rho A = -1.105
    logprobs = torch.tensor([-1.0, -2.0, -4.0, -3.0], requires_grad=True)
    behavior = torch.tensor([-1.0, -2.5, -3.5, -3.1])
    advantages = torch.tensor([1.0, 0.5, -0.25, -1.0])
    output = reinforce_loss(logprobs, advantages, torch.ones(4), sft_coef=0.0, behavior_logprobs=behavior, clip_eps=0.2)
    rho3 = math.exp(0.1)
    assert output.loss.item() == pytest.approx(-(1 + 0.6 - 0.2 - rho3) / 4)
    assert output.diagnostics["clip_frac"].item() == pytest.approx(0.5)
    output.loss.backward()
    assert torch.allclose(logprobs.grad, torch.tensor([-1.0, 0.0, 0.0, rho3]) / 4)
    # where every rho is 1 its gradient is plain REINFORCE's
    on_policy = logprobs.detach().clone().requires_grad_(True)
    clipped = reinforce_loss(on_policy, advantages, torch.ones(4), behavior_logprobs=on_policy.detach(), clip_eps=0.2)
    clipped.loss.backward()
    assert torch.allclose(on_policy.grad, -advantages / 4)
    with pytest.raises(ValueError, match="behaviour log-probs"):
        reinforce_loss(logprobs, advantages, torch.ones(4), clip_eps=0.2)


def _samples(games: dict[str, list[float]], final: dict[str, float]) -> list[GameSample]:
    """Moves with the given returns; each game's last move carries its final reward."""
    samples = []
    for game, returns in games.items():
        for step, value in enumerate(returns):
            reward = final[game] if step == len(returns) - 1 else 0.0
            transition = Transition(game, game, step, "p", f"move {game}{step}", None, reward, False, False, 0.0)
            transition.return_ = value
            samples.append(GameSample(transition, f"history {game}{step}", seed=0))
    return samples


def _trainer(tmp_path, **overrides) -> ARIATrainer:
    config = from_dict(ARIAConfig, {"run": {"dir": str(tmp_path), "progress": False}} | overrides)
    trainer = ARIATrainer.__new__(ARIATrainer)
    trainer.config = config
    trainer.run = _PrintedRun()
    return trainer


class _PrintedRun:
    """Stands in for the Run where a test only needs what the trainer prints."""

    def __init__(self) -> None:
        self.printed: list[str] = []

    def print(self, *args) -> None:
        self.printed.append(" ".join(map(str, args)))

    def gather_batch(self, items):
        return items, slice(0, len(items))  # one process


def test_reinforce_advantage_is_the_return_scaled_by_the_batch_maximum(tmp_path):
    samples = _samples({"a": [2.0, 4.0], "b": [-8.0]}, {"a": 4.0, "b": -8.0})
    advantages, _ = _trainer(tmp_path, advantage="reinforce").advantages(samples)
    assert advantages.tolist() == [0.25, 0.5, -1.0]


def test_a_batch_mean_baseline_centres_the_scaled_returns(tmp_path):
    samples = _samples({"a": [2.0, 4.0], "b": [-8.0]}, {"a": 4.0, "b": -8.0})
    advantages, _ = _trainer(tmp_path, advantage="reinforce", baseline="batch_mean").advantages(samples)
    # Scaled [0.25, 0.5, -1.0], whose mean is -0.25 / 3.
    assert advantages == pytest.approx([0.25 + 0.25 / 3, 0.5 + 0.25 / 3, -1.0 + 0.25 / 3])


def test_a_return_scale_quantile_keeps_one_outlier_game_from_shrinking_the_rest(tmp_path):
    # Nonzero magnitudes [1, 2, 3, 4, 1000]; their median is 3 (the zero of a lost game is left out).
    samples = _samples(
        {"a": [1.0, 2.0], "b": [-3.0, 4.0], "c": [0.0], "d": [-1000.0]}, {"a": 2, "b": 4, "c": 0, "d": -1000}
    )
    advantages, _ = _trainer(tmp_path, advantage="reinforce", return_scale_quantile=0.5).advantages(samples)
    assert advantages == pytest.approx([1 / 3, 2 / 3, -1.0, 4 / 3, 0.0, -1000 / 3])
    lost = _samples({"a": [0.0, 0.0]}, {"a": 0})  # nothing to scale by: returned as they are
    assert _trainer(tmp_path, advantage="reinforce", return_scale_quantile=0.5).advantages(lost)[0].tolist() == [0, 0]


class _SilentEngine:
    """A buyer whose every message is empty: the game rejects each, and no deal is made (reward 0)."""

    def generate(self, prompts, params):
        return [Generation("", [7], [-0.5], "stop") for _ in prompts]


def test_self_play_lowers_the_returns_of_invalid_moves_by_the_configured_penalty(tmp_path):
    trainer = _trainer(tmp_path, advantage="reinforce", gamma=0.5, invalid_move_penalty=0.4, games_per_iteration=2)
    trainer.run.process_seed = 0
    trainer._text_policy = lambda temperature: TextPolicy(_SilentEngine(), Tokenizer(), render=render_prompt)
    samples, metrics = trainer.self_play(0)
    assert metrics["rollout/invalid_rate"] == 1.0 and metrics["rollout/reward_mean"] == 0.0
    turns = trainer.config.game.make().config.max_turns
    assert len(samples) == 2 * turns
    # Every move is invalid and the game's reward is 0: G_t = -0.4 sum_{k=t}^{T-1} 0.5^(k-t).
    expected = [-0.4 * sum(0.5**j for j in range(turns - t)) for t in range(turns)]
    assert [s.transition.return_ for s in samples] == pytest.approx(expected * 2)


def test_filtered_bc_keeps_the_moves_of_the_best_games_only(tmp_path):
    samples = _samples({"a": [1.0, 1.0], "b": [0.0], "c": [3.0, 3.0], "d": [-1.0]}, {"a": 1, "b": 0, "c": 3, "d": -1})
    advantages, metrics = _trainer(tmp_path, advantage="filtered_bc", filter_top=0.5).advantages(samples)
    # The top half of the games by final reward (c: 3, a: 1): their moves get 1, the others are left out.
    assert advantages[:2].tolist() == [1.0, 1.0] and advantages[3:5].tolist() == [1.0, 1.0]
    assert np.isnan(advantages[2]) and np.isnan(advantages[5]) and metrics["train/kept_frac"] == pytest.approx(4 / 6)


def test_filtered_bc_tells_games_apart_by_their_moves_even_when_their_seeds_collide(tmp_path):
    # Two games drawn with the same seed share an episode id; the first move of each still starts it.
    samples = _samples({"a": [1.0, 1.0], "b": [0.0, 0.0]}, {"a": 1.0, "b": 0.0})
    for sample in samples:
        sample.transition.episode_id = "bargaining/7"
    advantages, _ = _trainer(tmp_path, advantage="filtered_bc", filter_top=0.5).advantages(samples)
    assert advantages[:2].tolist() == [1.0, 1.0] and np.isnan(advantages[2:]).all()


def test_aria_advantage_averages_returns_within_intentions(tmp_path):
    # Two intentions, each phrased two ways, after the same history: R~ is the mean return of each intention.
    texts = ["I offer $50.", "How about $50?", "Accept.", "Deal, I accept."]
    samples = _samples({"g": [1.0, 0.0, 0.5, 0.0]}, {"g": 0.0})
    for sample, text in zip(samples, texts, strict=True):
        sample.transition.action_text, sample.history = text, "Seller: The price is $80."
    trainer = _trainer(tmp_path, advantage="aria", k_max=3, split_tau=0)
    trainer._embedder = None
    advantages, metrics = trainer.advantages(samples)
    assert metrics["train/k"] >= 1
    # Whatever k SplitScore picks, moves in one cluster share one value: the mean of their returns.
    groups: dict[float, list[float]] = {}
    for value, sample in zip(advantages, samples, strict=True):
        groups.setdefault(round(value, 9), []).append(sample.transition.return_)
    assert all(np.mean(members) == pytest.approx(value) for value, members in groups.items())


def test_a_cut_into_one_intention_is_reported(tmp_path):
    # Equal returns: no split changes R~, so SplitScore picks k = 1 and the policy gradient vanishes.
    texts = ["I offer $50.", "How about $50?", "Accept.", "Deal, I accept."]
    samples = _samples({"g": [0.5, 0.5, 0.5, 0.5]}, {"g": 0.5})
    for sample, text in zip(samples, texts, strict=True):
        sample.transition.action_text = text
    trainer = _trainer(tmp_path, advantage="aria", k_max=3, split_tau=0, history_baseline=True)
    trainer._embedder = None
    advantages, metrics = trainer.advantages(samples)
    assert metrics["train/k"] == 1 and not advantages.any()
    assert any("k = 1" in line and "split_epsilon" in line for line in trainer.run.printed)


def test_a_cut_capped_by_k_max_is_reported(tmp_path):
    # Four distinct moves whose returns all differ widely: every split moves R~ by more than epsilon, so
    # SplitScore finds no plateau and the cut falls back to k_max = 2, coarser than the rule wants.
    texts = ["I offer $50.", "How about $50?", "Accept.", "Deal, I accept."]
    samples = _samples({"g": [8.0, -8.0, 4.0, -4.0]}, {"g": -4.0})
    for sample, text in zip(samples, texts, strict=True):
        sample.transition.action_text = text
    trainer = _trainer(tmp_path, advantage="aria", k_max=2, split_tau=1)
    trainer._embedder = None
    _, metrics = trainer.advantages(samples)
    assert metrics["train/k"] == 2
    assert any("no plateau" in line and "k_max = 2" in line for line in trainer.run.printed)
    trainer.run.printed.clear()
    trainer.config.k_max = 3  # the finest cut there is: nothing coarser to warn about
    trainer.advantages(samples)
    assert not trainer.run.printed


def test_history_baseline_subtracts_the_mean_return_of_the_history_cluster(tmp_path):
    texts = ["I offer $50.", "How about $50?", "Accept.", "Deal, I accept."]
    samples = _samples({"g": [1.0, 0.0, 0.5, 0.0]}, {"g": 0.0})
    for sample, text in zip(samples, texts, strict=True):
        sample.transition.action_text, sample.history = text, "Seller: The price is $80."
    options = {"advantage": "aria", "k_max": 3, "split_tau": 0}
    trainers = [_trainer(tmp_path / name, history_baseline=name == "based", **options) for name in ("plain", "based")]
    for trainer in trainers:
        trainer._embedder = None
    (plain, _), (based, _) = (trainer.advantages(samples) for trainer in trainers)
    # One history, so one history cluster: V~ is the mean of all (scaled) returns, 1.5 / 4.
    assert np.allclose(based, plain - 1.5 / 4) and abs(based.sum()) < 1e-9


@pytest.mark.parametrize("history", ["transcript", "intention_path"])
def test_at_one_intention_histories_are_the_batch_or_the_depth_in_the_game(tmp_path, history):
    # A huge epsilon makes SplitScore pick k = 1: one move cluster and one reply cluster. Transcripts then
    # form one history, so R~ is the batch mean; intention paths still differ in length, so R~ is the mean
    # return of the moves at the same depth. Returns scaled by the batch maximum, 2: a [0.25, 0.5], b [0, 0],
    # c [1].
    samples = _samples({"a": [0.5, 1.0], "b": [0.0, 0.0], "c": [2.0]}, {"a": 1.0, "b": 0.0, "c": 2.0})
    trainer = _trainer(tmp_path, advantage="aria", history=history, split_epsilon=10.0, split_tau=0)
    trainer._embedder = None
    advantages, metrics = trainer.advantages(samples)
    assert metrics["train/k"] == 1 and metrics["train/moves_alone"] == 0  # each move shares its cell
    if history == "transcript":
        assert advantages == pytest.approx([0.35] * 5) and metrics["train/history_groups"] == 1
    else:  # depth 0: a, b, c's first moves (0.25, 0, 1); depth 1: a's and b's second (0.5, 0)
        assert advantages == pytest.approx([1.25 / 3, 0.25, 1.25 / 3, 0.25, 1.25 / 3])
        assert metrics["train/history_groups"] == 2


def test_a_batch_mean_baseline_leaves_no_push_at_one_intention_and_is_idle_under_a_history_baseline(tmp_path):
    # At k = 1 over transcripts R~ is the batch mean for every move (0.35 in the test above): centred, no
    # move is pushed up or down. Over paths R~ is the mean per depth, and centring keeps its differences.
    samples = _samples({"a": [0.5, 1.0], "b": [0.0, 0.0], "c": [2.0]}, {"a": 1.0, "b": 0.0, "c": 2.0})
    options = {"advantage": "aria", "split_epsilon": 10.0, "split_tau": 0, "baseline": "batch_mean"}
    transcript = _trainer(tmp_path / "transcript", **options)
    paths = _trainer(tmp_path / "paths", history="intention_path", **options)
    both = _trainer(tmp_path / "both", history_baseline=True, **options)
    alone = _trainer(tmp_path / "alone", **(options | {"baseline": "none", "history_baseline": True}))
    for trainer in (transcript, paths, both, alone):
        trainer._embedder = None
    assert transcript.advantages(samples)[0] == pytest.approx([0.0] * 5)
    assert paths.advantages(samples)[0] == pytest.approx(np.array([1.25 / 3, 0.25, 1.25 / 3, 0.25, 1.25 / 3]) - 0.35)
    assert both.advantages(samples)[0] == pytest.approx(alone.advantages(samples)[0])


@pytest.mark.slow
def test_train_recipe_runs_end_to_end_on_the_tiny_model(tmp_path, capsys):
    overrides = [
        f"run.dir={tmp_path}", "run.progress=false", "run.use_tensorboard=false", "iterations=1",
        "games_per_iteration=6", "num_envs=6", "eval_games=4", "max_new_tokens=8", "minibatch_size=8",
    ]  # fmt: skip
    assert main(["train", "configs/aria_bargaining.yaml", *overrides]) == 0
    table = capsys.readouterr().out
    assert "bargaining: mean reward and win rate" in table and "| after (step 1) |" in table
    records = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    update = next(r for r in records if "train/loss" in r)
    assert update["train/updates"] >= 1 and update["train/k"] >= 1 and update["rollout/moves"] >= 6
    assert (tmp_path / "model" / "config.json").is_file()
    assert {"reward", "win_rate", "invalid_rate"} <= json.loads((tmp_path / "results.json").read_text())[
        "after (step 1)"
    ].keys()


def _tiny_reinforce_config(tmp_path, **settings) -> ARIAConfig:
    """The bargaining recipe with raw returns, cut to a few games of a few tokens, plus ``settings``."""
    small = {"advantage": "reinforce", "games_per_iteration": 6, "num_envs": 6, "eval_games": 2, "max_new_tokens": 8}
    run = {"run.dir": tmp_path, "run.progress": "false", "run.use_tensorboard": "false"}
    overrides = [f"{key}={value}" for key, value in (run | small | settings).items()]
    return load_train_config("configs/aria_bargaining.yaml", overrides)[1]


def test_a_kl_anchor_holds_a_frozen_copy_of_the_start_and_adds_its_weighted_penalty_to_the_loss(tmp_path):
    config = _tiny_reinforce_config(tmp_path, iterations=2, kl_coef=0.5, minibatch_size=4)
    with Run(config.run, config_to_save=config) as run:
        trainer = ARIATrainer.from_config(config, run)
        start = {name: p.detach().clone() for name, p in trainer.policy.model.named_parameters()}
        trainer.train()
        assert trainer.reference is not None and trainer.reference.copy is not None
        anchored = dict(trainer.reference.copy.model.named_parameters())
        assert all(torch.equal(start[name], anchored[name]) for name in start)  # the reference never trains
        moved = run.unwrap(trainer.policy).model.named_parameters()
        assert any(not torch.equal(start[name], p) for name, p in moved)
    records = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    updates = [r for r in records if "train/kl" in r]
    assert len(updates) == 2 and all(r["train/kl"] >= 0 for r in updates) and updates[-1]["train/kl"] > 0
    for r in updates:  # loss = policy term + sft_coef x BC term + kl_coef x KL, minibatch by minibatch
        expected = r["train/policy_loss"] + 0.5 * r["train/bc_loss"] + 0.5 * r["train/kl"]
        assert r["train/loss"] == pytest.approx(expected, rel=1e-5, abs=1e-6)


def test_self_play_records_the_log_probs_the_learner_computes_so_a_clipped_update_starts_at_ratio_one(tmp_path):
    config = _tiny_reinforce_config(tmp_path, iterations=1, clip_eps=0.2, minibatch_size=64)
    with Run(config.run, config_to_save=config) as run:
        trainer = ARIATrainer.from_config(config, run)
        samples, _ = trainer.self_play(1)
        moves = [sample.transition for sample in samples]
        with torch.no_grad():
            scores = trainer.policy([t.prompt for t in moves], [t.action_token_ids for t in moves])
        assert torch.allclose(scores.logprobs, torch.tensor([t.behavior_logprob for t in moves]), atol=1e-3)
        advantages, _ = trainer.advantages(samples)
        metrics = trainer.update(samples, advantages, 1)  # one minibatch: every move still at ratio 1
    assert metrics["train/ratio_mean"] == pytest.approx(1.0, abs=1e-3) and metrics["train/clip_frac"] == 0.0


def test_sampled_evaluation_repeats_exactly_and_leaves_the_training_stream_alone(tmp_path, monkeypatch):
    """Every policy of a run seed meets the same sampling draws, wherever training left the random stream."""
    played: list[list[str]] = []

    def recording_collect_games(*args, **kwargs):
        games, episodes = collect_games(*args, **kwargs)
        played.append([sample.transition.action_text for game in games for sample in game])
        return games, episodes

    monkeypatch.setattr(trainer_module, "collect_games", recording_collect_games)
    config = from_dict(
        ARIAConfig,
        {"run": {"dir": str(tmp_path), "progress": False, "use_tensorboard": False}, "eval_temperature": 1.0}
        | {"eval_games": 4, "num_envs": 4, "max_new_tokens": 8},
    )
    with Run(config.run) as run:
        trainer = ARIATrainer.from_config(config, run)
        first = evaluate_twice_from_another_stream(trainer)
    assert first["games"] == 4
    assert played[0] == played[1] and len(set(played[0])) > 1  # sampled, and drawn the same both times


def _one_online_iteration(run_dir, *extra: str) -> dict:
    """Trains one online-ARIA iteration of bargaining on the tiny model; returns its update's metrics."""
    overrides = [
        f"run.dir={run_dir}", "run.progress=false", "run.use_tensorboard=false", "iterations=1", "eval_games=2",
        "max_new_tokens=8", "minibatch_size=8", "advantage=aria_online", "online_histories=6", "online_samples=2",
        *extra,
    ]  # fmt: skip
    assert main(["train", "configs/aria_bargaining.yaml", *overrides]) == 0
    records = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    return next(r for r in records if "train/loss" in r)


@pytest.mark.slow
@pytest.mark.parametrize("check", ["play", "none"])
def test_online_aria_fits_the_reward_model_and_updates_on_fresh_moves(tmp_path, check):
    update = _one_online_iteration(
        tmp_path, "games_per_iteration=6", "num_envs=6", "online_min_r2=-1e9", f"online_move_check={check}"
    )
    assert update["reward_model/train_mse"] <= update["reward_model/train_mse_before"]
    # 6 histories x 2 fresh moves, 4 histories (8 moves) per minibatch: two updates.
    assert update["online/fallback"] == 0
    assert update["train/updates"] == 2 and 0 < update["online/distinct_frac"] <= 1
    if check == "play":  # every history replayed to its recorded game, and each of the 12 fresh moves played there
        assert update["online/unreplayed_histories"] == 0 and 0 <= update["online/rejected_frac"] <= 1
        assert update["online/extra_game_steps"] == 12
    else:  # the reward model alone: no game rebuilt, no move checked
        assert math.isnan(update["online/unreplayed_histories"]) and math.isnan(update["online/rejected_frac"])
        assert update["online/extra_game_steps"] == 0
    # Fresh moves are not imitated: the loss is the policy-gradient term alone.
    assert update["train/loss"] == pytest.approx(update["train/policy_loss"]) and update["train/bc_loss"] > 0


@pytest.mark.slow
def test_online_aria_updates_on_the_recorded_moves_when_its_reward_model_has_no_held_out_skill(tmp_path):
    # Transcript histories: on these 20 untrained games, paths of intentions are cut at k = 1, so R~ is one
    # constant with no spread to judge a reward model by, and the gate (rightly) lets the update through.
    update = _one_online_iteration(
        tmp_path,
        "games_per_iteration=20",
        "num_envs=10",
        "online_min_r2=0.999",
        "reward_model_holdout=0.5",
        "history=transcript",
        "number_weight=0",
    )
    assert update["reward_model/holdout_r2"] <= 0.999 and update["online/fallback"] == 1
    # Offline ARIA's update instead: every recorded move once, 8 per minibatch; no fresh moves sampled.
    assert update["train/updates"] == -(-update["rollout/moves"] // 8) and "online/distinct_frac" not in update


def _online_command(run_dir, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "actionspace", "train", "configs/aria_bargaining.yaml", f"run.dir={run_dir}",
        "run.save_every=1", "run.progress=false", "run.use_tensorboard=false", "iterations=3",
        "games_per_iteration=4", "num_envs=4", "eval_games=2", "max_new_tokens=6", "minibatch_size=4",
        "advantage=aria_online", "online_histories=4", "online_samples=2", "reward_model_epochs=3", *extra,
    ]  # fmt: skip


@pytest.mark.slow
def test_online_aria_killed_mid_run_resumes_to_the_same_end(tmp_path):
    """The reward model and its optimizer are in the checkpoint: a resumed run ends bit-identical."""
    reference_dir, killed_dir = reference_and_resumed_runs(_online_command, tmp_path, kill_after_step=1)
    assert_same_end(final_state(reference_dir), final_state(killed_dir))


def test_a_bad_recipe_fails_before_any_work(tmp_path, capsys):
    assert main(["train", "configs/aria_bargaining.yaml", f"run.dir={tmp_path / 'x'}", "game.kwargs.max_turn=3"]) == 2
    assert "unknown config key 'env.kwargs (bargaining).max_turn'" in capsys.readouterr().err
    assert main(["train", "configs/aria_bargaining.yaml", f"run.dir={tmp_path / 'x'}", "game.name=chess"]) == 2
    assert main(["train", "configs/aria_bargaining.yaml", f"run.dir={tmp_path / 'x'}", "online_samples=1"]) == 2
    assert main(["train", "configs/aria_bargaining.yaml", f"run.dir={tmp_path / 'x'}", "return_scale_quantile=0"]) == 2
    assert main(["train", "configs/aria_bargaining.yaml", f"run.dir={tmp_path / 'x'}", "number_weight=-1"]) == 2
    assert main(["train", "configs/aria_bargaining.yaml", f"run.dir={tmp_path / 'x'}", "history=path"]) == 2
    assert "history" in capsys.readouterr().err
    filtered_with_baseline = ["advantage=filtered_bc", "baseline=batch_mean"]
    assert main(["train", "configs/aria_bargaining.yaml", f"run.dir={tmp_path / 'x'}", *filtered_with_baseline]) == 2
    assert "baseline applies to" in capsys.readouterr().err
    assert main(["train", "configs/aria_bargaining.yaml", f"run.dir={tmp_path / 'x'}", "invalid_move_penalty=-1"]) == 2
    assert main(["train", "configs/aria_bargaining.yaml", f"run.dir={tmp_path / 'x'}", "kl_coef=-0.1"]) == 2
    assert "kl_coef must be >= 0" in capsys.readouterr().err
    assert main(["train", "configs/aria_bargaining.yaml", f"run.dir={tmp_path / 'x'}", "clip_eps=1.5"]) == 2
    assert "clip_eps must be in [0, 1)" in capsys.readouterr().err
    filtered_with_penalty = ["advantage=filtered_bc", "invalid_move_penalty=5"]
    assert main(["train", "configs/aria_bargaining.yaml", f"run.dir={tmp_path / 'x'}", *filtered_with_penalty]) == 2
    assert "filtered_bc ranks games by their reward" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
