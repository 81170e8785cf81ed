"""EnvPool: slow environments step concurrently; a dead backend costs one episode, not the run."""

from __future__ import annotations

import time

import gymnasium as gym
import pytest

from actionspace.envs.errors import EnvironmentDied
from actionspace.envs.gui.simphone import SimPhoneConfig, SimPhoneEnv
from actionspace.envs.pool import EnvPool


def test_latency_is_overlapped_across_environments():
    latency, num_envs = 0.2, 8
    with EnvPool(lambda i: SimPhoneEnv(SimPhoneConfig(step_latency_s=latency)), num_envs) as pool:
        pool.reset(seeds=list(range(num_envs)))
        start = time.perf_counter()
        pool.step([{"action_type": "wait"}] * num_envs)
        elapsed = time.perf_counter() - start
    assert elapsed < latency * num_envs / 3  # sequential stepping would take num_envs * latency


def test_finished_episodes_reset_in_the_same_step():
    with EnvPool(lambda i: SimPhoneEnv(SimPhoneConfig(max_steps=2)), 2) as pool:
        pool.reset(seeds=[0, 1], options=[{"task": "WifiOn"}] * 2)
        pool.step([{"action_type": "wait"}] * 2)
        observations, rewards, terminated, truncated, infos = pool.step(
            [{"action_type": "status"}, {"action_type": "wait"}]
        )
    assert terminated == [True, False] and truncated == [False, True]
    for info, observation in zip(infos, observations, strict=True):
        assert "final_info" in info and info["final_observation"]["history"]  # the finished episode's last view
        assert observation["history"] == []  # the new episode's first view


class Dying(gym.Env):
    """Dies on its second step, like an emulator that crashed."""

    observation_space = gym.spaces.Discrete(1)
    action_space = gym.spaces.Discrete(1)
    instances = 0

    def __init__(self) -> None:
        Dying.instances += 1
        self.steps = 0

    def reset(self, *, seed=None, options=None):
        return 0, {}

    def step(self, action):
        self.steps += 1
        if self.steps == 2:
            raise EnvironmentDied("emulator stopped answering")
        return 0, 1.0, False, False, {}


def test_a_dead_environment_is_replaced_and_its_episode_truncated():
    Dying.instances = 0
    with EnvPool(lambda i: Dying(), 2) as pool:
        pool.reset()
        pool.step([0, 0])
        _, rewards, terminated, truncated, infos = pool.step([0, 0])
        assert truncated == [True, True] and rewards == [0.0, 0.0]
        assert all("emulator stopped answering" in info["env_error"] for info in infos)
        assert pool.restarts == 2 and Dying.instances == 4
        _, rewards, _, truncated, _ = pool.step([0, 0])  # the fresh environments carry on
        assert rewards == [1.0, 1.0] and truncated == [False, False]


def test_wrong_number_of_actions():
    with EnvPool(lambda i: SimPhoneEnv(), 2) as pool, pytest.raises(ValueError, match="2 environments"):
        pool.step([{"action_type": "wait"}])


def test_a_none_action_leaves_its_environment_untouched():
    with EnvPool(lambda i: SimPhoneEnv(SimPhoneConfig(max_steps=5)), 2) as pool:
        pool.reset(seeds=[0, 1], options=[{"task": "WifiOn"}] * 2)
        observations, rewards, terminated, truncated, infos = pool.step([{"action_type": "wait"}, None])
        assert (observations[1], rewards[1], terminated[1], truncated[1], infos[1]) == (None, 0.0, False, False, {})
        assert len(observations[0]["history"]) == 1
        observations, *_ = pool.step([None, {"action_type": "wait"}])
        assert len(observations[1]["history"]) == 1  # its first step: the idle call did not count
