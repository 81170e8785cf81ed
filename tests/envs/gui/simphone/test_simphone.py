"""simphone: the oracle solves every template, a random policy almost never does, and bad actions are steps."""

from __future__ import annotations

import json

import pytest

from actionspace.envs.gui.schema import JSONAction
from actionspace.envs.gui.simphone import TASKS, TEST_TEMPLATES, Oracle, SimPhoneConfig, SimPhoneEnv, sample_task
from actionspace.envs.gui.simphone.tasks import params_split

EPISODES_PER_TEMPLATE = 20


def run_oracle(env: SimPhoneEnv, seed: int, template: str) -> tuple[bool, int]:
    observation, _ = env.reset(seed=seed, options={"task": template})
    oracle = Oracle(env.task.oracle_plan())
    while True:
        observation, reward, terminated, truncated, info = env.step(oracle.act(observation))
        assert not info["invalid_action"], (template, info["invalid_reason"])
        if terminated or truncated:
            assert reward == (1.0 if info["success"] else 0.0)
            return info["success"], env.steps


@pytest.mark.parametrize("template", sorted(TASKS))
def test_oracle_solves_every_template_on_test_parameters(template):
    env = SimPhoneEnv(SimPhoneConfig(split="test", max_steps=40))
    results = [run_oracle(env, seed, template) for seed in range(EPISODES_PER_TEMPLATE)]
    assert sum(success for success, _ in results) / len(results) >= 0.99


def test_templates_cover_one_to_fifteen_plus_steps_and_eight_apps():
    env = SimPhoneEnv(SimPhoneConfig(max_steps=40))
    steps = {template: run_oracle(env, 0, template)[1] for template in TASKS}
    assert len(TASKS) >= 30
    assert min(steps.values()) <= 2 and max(steps.values()) >= 16  # counting the final status action
    apps = {app for cls in TASKS.values() for app in cls.app_names}
    assert len(apps) >= 8


def test_random_policy_rarely_succeeds():
    env = SimPhoneEnv(SimPhoneConfig(split="test"))
    env.action_space.seed(0)
    successes = 0
    for episode in range(300):
        env.reset(seed=episode)
        done = False
        while not done:
            _, _, terminated, truncated, info = env.step(env.action_space.sample())
            done = terminated or truncated
        successes += info["success"]
    assert successes / 300 < 0.05


def test_success_is_judged_from_state_not_actions():
    env = SimPhoneEnv()
    env.reset(seed=3, options={"task": "WifiOn"})
    assert not env.phone.data.settings["wifi"]
    env.phone.data.settings["wifi"] = True  # the state changes by any route ...
    _, reward, terminated, _, info = env.step('{"action_type": "status", "goal_status": "complete"}')
    assert terminated and info["success"] and reward == 1.0  # ... and that is what is judged
    env.reset(seed=3, options={"task": "WifiOn"})
    _, reward, terminated, _, info = env.step({"action_type": "status"})  # claiming success is not success
    assert terminated and not info["success"] and reward == 0.0


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        ("I think I should tap the button", "no JSON object"),
        ('{"action_type": "click", "index": 99}', "out of range"),
        ('{"action_type": "open_app", "app_name": "Tetris"}', "no app named"),
        ('{"action_type": "input_text", "text": "hi"}', "no field is focused"),
        ('{"action_type": "click", "x": 5000, "y": 1}', "off the screen"),
        ({"action_type": "fly"}, "unknown action_type"),
    ],
)
def test_invalid_actions_are_penalised_steps_not_crashes(action, reason):
    env = SimPhoneEnv(SimPhoneConfig(invalid_action_penalty=0.1, max_steps=3))
    env.reset(seed=0, options={"task": "AddContact"})
    observation, reward, terminated, truncated, info = env.step(action)
    assert info["invalid_action"] and reason in info["invalid_reason"]
    assert reward == pytest.approx(-0.1) and not terminated and not truncated
    assert observation["history"][-1].startswith("invalid:")
    env.step(action)
    _, _, _, truncated, _ = env.step(action)
    assert truncated  # an agent stuck on bad output still ends its episode


def test_splits_by_parameters_and_by_template_are_disjoint():
    import random

    rng = random.Random(0)
    for template in ("AddContact", "CreateAlarm", "SetBrightness"):
        for split in ("train", "test"):
            task = sample_task(template, rng, split)
            assert params_split(template, task.params) == split
    train = SimPhoneConfig(split="train", split_by="template").template_names()
    test = SimPhoneConfig(split="test", split_by="template").template_names()
    assert set(test) == set(TEST_TEMPLATES) and not set(train) & set(test) and set(train) | set(test) == set(TASKS)


def test_reset_is_deterministic_given_a_seed():
    env = SimPhoneEnv()
    first, _ = env.reset(seed=42)
    first_goal, first_screen = first["goal"], env.render()
    env.reset(seed=7)
    again, _ = env.reset(seed=42)
    assert again["goal"] == first_goal and env.render() == first_screen


def test_observation_and_info_follow_the_schema():
    env = SimPhoneEnv()
    observation, info = env.reset(seed=1)
    assert env.observation_space.contains(observation)
    assert {"success", "invalid_action", "task", "goal"} <= info.keys()
    _, _, _, _, info = env.step(JSONAction("navigate_home"))
    assert info["invalid_action"] is False and json.loads(env.history[-1]) == {"action_type": "navigate_home"}
