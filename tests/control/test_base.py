"""The shared control base: GAE, normalisation, replay sampling, NaN checks, evaluation, the PPO loss."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch

from actionspace.control.envs import EnvConfig, NonFiniteObservation, check_finite, make_vector_env
from actionspace.control.evaluate import evaluate
from actionspace.control.normalize import ObservationNormalizer, RewardScaler, RunningMeanStd
from actionspace.control.ppo.loss import adapt_learning_rate, ppo_loss
from actionspace.control.replay import ReplayBuffer
from actionspace.control.rollout import compute_gae
from actionspace.core.config import ConfigError


def test_gae_matches_hand_computation_with_termination_and_truncation():
    # One env, three steps: step 0 continues, step 1 is truncated (bootstraps from its final obs but
    # the recursion is cut), step 2 terminates (no bootstrap).
    gamma, lam = 0.9, 0.5
    rewards = torch.tensor([[1.0], [2.0], [3.0]])
    values = torch.tensor([[0.5], [1.0], [1.5]])
    next_values = torch.tensor([[1.0], [4.0], [9.0]])
    terminated = torch.tensor([[0.0], [0.0], [1.0]])
    dones = torch.tensor([[0.0], [1.0], [1.0]])
    advantages, returns = compute_gae(rewards, values, next_values, terminated, dones, gamma=gamma, gae_lambda=lam)
    a2 = 3.0 - 1.5  # terminated: no bootstrap
    a1 = 2.0 + 0.9 * 4.0 - 1.0  # truncated: bootstrap from V(final obs), recursion cut
    a0 = (1.0 + 0.9 * 1.0 - 0.5) + 0.9 * 0.5 * a1
    assert torch.allclose(advantages.squeeze(1), torch.tensor([a0, a1, a2]))
    assert torch.allclose(returns, advantages + values)


def test_running_mean_std_equals_numpy_over_batches():
    rng = np.random.default_rng(0)
    data = rng.normal(3.0, 2.0, size=(300, 4))
    stats = RunningMeanStd((4,))
    for chunk in np.array_split(data, 7):
        stats.update(chunk)
    assert np.allclose(stats.mean, data.mean(0), atol=1e-5)
    assert np.allclose(stats.var, data.var(0), atol=1e-4)
    normalizer = ObservationNormalizer((4,))
    normalizer.load_state_dict(stats.state_dict())
    out = normalizer(data)
    assert abs(out.mean()) < 1e-3 and abs(out.std() - 1) < 1e-2
    assert normalizer(data[:2], update=False).dtype == np.float32


def test_reward_scaler_keeps_sign_and_resets_returns_at_episode_end():
    scaler = RewardScaler(num_envs=2, gamma=0.99)
    out = scaler(np.array([1.0, -2.0]), np.array([False, True]))
    assert out[0] > 0 > out[1]
    assert scaler.returns[1] == 0.0 and scaler.returns[0] == 1.0


def _lane(rewards, dones, terminated=None):
    buffer = ReplayBuffer(len(rewards), 1, obs_dim=1, action_dim=1)
    for t, (r, d) in enumerate(zip(rewards, dones, strict=True)):
        term = d if terminated is None else terminated[t]
        buffer.add(
            np.array([[t]]), np.array([[10.0 + t]]), np.array([r]), np.array([[t + 1]]), np.array([term]), np.array([d])
        )
    return buffer


class _FixedStart:
    """An rng stand-in that always samples lane 0 at offset ``start``."""

    def __init__(self, start: int) -> None:
        self.start = start

    def integers(self, high, size):
        return np.full(size, 0 if high == 1 else self.start)


def test_replay_n_step_return_and_action_sequence_stop_at_episode_end():
    # Episode A: steps 0-2 (terminates at 2); episode B: steps 3-6.
    buffer = _lane([0.0, 0.0, 1.0, 0.5, 0.0, 0.0, 0.0], [False, False, True, False, False, False, False])
    batch = buffer.sample(1, _FixedStart(1), n_step=3, sequence_length=3, gamma=0.9)
    # From step 1: r1 + 0.9 r2, then the episode terminates: discount 0, successor is obs after step 2.
    assert batch["reward"][0] == pytest.approx(0.9)
    assert batch["discount"][0] == 0.0
    assert batch["next_observations"][0, 0] == 3.0
    # Actions 11, 12, then the episode's last action repeats.
    assert batch["action_sequence"][0, :, 0].tolist() == [11.0, 12.0, 12.0]
    # Inside episode B: a full 3-step return that bootstraps with gamma^3.
    batch = buffer.sample(1, _FixedStart(3), n_step=3, sequence_length=2, gamma=0.9)
    assert batch["reward"][0] == pytest.approx(0.5)
    assert batch["discount"][0] == pytest.approx(0.9**3)
    assert batch["next_observations"][0, 0] == 6.0
    assert batch["action_sequence"][0, :, 0].tolist() == [13.0, 14.0]


def test_replay_truncation_still_bootstraps():
    buffer = _lane([0.0, 0.0, 0.0, 0.0], [False, True, False, False], terminated=[False, False, False, False])
    batch = buffer.sample(1, _FixedStart(0), n_step=3, sequence_length=1, gamma=0.5)
    assert batch["discount"][0] == pytest.approx(0.25)  # two steps, then truncated: gamma^2
    assert batch["next_observations"][0, 0] == 2.0


def test_replay_state_round_trips():
    buffer = _lane([1.0, 2.0, 3.0], [False, False, True])
    other = ReplayBuffer(3, 1, 1, 1)
    other.load_state_dict(buffer.state_dict())
    a = buffer.sample(4, np.random.default_rng(0), n_step=2, sequence_length=2, gamma=0.9)
    b = other.sample(4, np.random.default_rng(0), n_step=2, sequence_length=2, gamma=0.9)
    for key in a:
        assert np.array_equal(a[key], b[key])


def test_check_finite_names_the_env_index():
    observations = np.zeros((4, 3))
    observations[2, 1] = np.nan
    with pytest.raises(NonFiniteObservation, match=r"env index \[2\]"):
        check_finite(observations, where="observation")
    check_finite(np.zeros((2, 3)), where="observation")


class _NaNAfterThreeSteps(gym.Env):
    observation_space = gym.spaces.Box(-np.inf, np.inf, (2,), np.float32)
    action_space = gym.spaces.Box(-1.0, 1.0, (1,))

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return np.zeros(2, np.float32), {}

    def step(self, action):
        self.t += 1
        obs = np.full(2, np.nan, np.float32) if self.t >= 3 else np.zeros(2, np.float32)
        return obs, 0.0, False, False, {}


gym.register("actionspace-test/NaNAfterThree-v0", entry_point=_NaNAfterThreeSteps, max_episode_steps=10)


def test_ppo_training_stops_on_nan_observations_naming_the_env(tmp_path):
    from actionspace.cli import main

    with pytest.raises(NonFiniteObservation, match="env index"):
        main(
            [
                "train",
                "configs/ppo_halfcheetah.yaml",
                "env.id=actionspace-test/NaNAfterThree-v0",
                "env.num_envs=2",
                "total_env_steps=64",
                "rollout_steps=32",
                "minibatches=2",
                f"run.root={tmp_path}",
                "run.progress=false",
            ]
        )


def test_evaluate_runs_exactly_the_requested_episodes():
    config = EnvConfig(id="actionspace/MultiGoal-v0", num_envs=1)
    result = evaluate(lambda obs: np.tile([[1.0, 1.0]], (len(obs), 1)), config, episodes=5, seed=0, num_envs=3)
    assert len(result.returns) == 5
    assert all(result.successes)  # straight at the goal at 45 degrees
    assert {info["goal_index"] for info in result.final_infos} == {0}
    assert result.metrics()["eval/success"] == 1.0


def test_vector_env_autoresets_in_the_same_step():
    envs = make_vector_env(EnvConfig(id="actionspace/MultiGoal-v0", num_envs=2), seed=0)
    for _ in range(8):
        observations, _, terminated, _, infos = envs.step(np.ones((2, 2)))
        if terminated.any():
            assert np.allclose(observations[terminated], 0.0)  # already the next episode's start
            assert np.linalg.norm(infos["final_obs"][0]) > 0.7
            return
    raise AssertionError("episode never ended")


def test_unknown_env_and_bad_kwargs_fail_at_config_time():
    with pytest.raises(ConfigError, match="not a registered"):
        EnvConfig(id="NoSuchEnv-v0")
    from actionspace.control.envs import env_spaces

    with pytest.raises(ConfigError, match="not accepted"):
        env_spaces(EnvConfig(id="actionspace/MultiGoal-v0", kwargs={"colour": "red"}))


def test_ppo_loss_matches_hand_computation():
    new = torch.tensor([0.0, np.log(1.5)], dtype=torch.float32)
    old = torch.zeros(2)
    advantages = torch.tensor([1.0, 2.0])
    values, old_values, returns = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 0.0]), torch.tensor([2.0, 1.0])
    out = ppo_loss(
        new,
        old,
        advantages,
        values,
        old_values,
        returns,
        torch.tensor([0.5, 0.5]),
        clip=0.2,
        value_coef=0.5,
        entropy_coef=0.1,
    )
    # policy: -mean(min(1*1, 1*1), min(1.5*2, 1.2*2)) = -(1 + 2.4) / 2
    policy = -(1.0 + 2.4) / 2
    # value (clipped at 0.2): sample 0: max((1-2)^2, (0.2-2)^2) = 3.24; sample 1: max(1, 1) = 1
    value = 0.5 * (3.24 + 1.0) / 2
    assert out.diagnostics["train/policy_loss"].item() == pytest.approx(policy, abs=1e-6)
    assert out.diagnostics["train/value_loss"].item() == pytest.approx(value, abs=1e-6)
    assert out.loss.item() == pytest.approx(policy + 0.5 * value - 0.1 * 0.5, abs=1e-6)
    assert out.diagnostics["train/clip_fraction"].item() == pytest.approx(0.5)
    assert out.diagnostics["train/approx_kl"].item() == pytest.approx((0.5 - np.log(1.5)) / 2, abs=1e-6)


def test_kl_adaptive_learning_rate():
    assert adapt_learning_rate(1e-3, 0.05, target_kl=0.01) == pytest.approx(1e-3 / 1.5)
    assert adapt_learning_rate(1e-3, 0.001, target_kl=0.01) == pytest.approx(1.5e-3)
    assert adapt_learning_rate(1e-3, 0.01, target_kl=0.01) == 1e-3
    assert adapt_learning_rate(1e-5, 1.0, target_kl=0.01) == 1e-5  # floor


def test_demos_are_generated_on_the_env_the_agent_trains_with():
    from actionspace.control.demos import generate_demos

    env_id = "actionspace/SparseReacherTwoTargets-v0"
    strict = generate_demos(env_id, 3, seed=0)
    loose = generate_demos(env_id, 3, seed=0, env_kwargs={"success_radius": 0.05})
    # Same seeds, same starts: a looser success radius ends the expert's episodes sooner.
    assert sum(len(e["actions"]) for e in loose) < sum(len(e["actions"]) for e in strict)
    assert all(e["rewards"][-1] == 1.0 and e["terminated"][-1] for e in loose)
