"""MiniWoB++ in real headless Chromium: scripted policies solve tasks through the JSONAction interface."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("miniwob", reason="miniwob is part of the gui extra")

from actionspace.envs.gui.miniwob import MiniWoBAdapter, MiniWoBConfig, browser_available  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not browser_available(), reason="Debian chromium/chromium-driver not installed"),
]


def quoted(goal: str) -> str:
    return re.search(r'"([^"]+)"', goal).group(1)


def index_of(observation, predicate) -> int:
    return next(i for i, e in enumerate(observation["ui_elements"]) if predicate(e))


def click_button(observation):
    target = quoted(observation["goal"])
    return [
        {
            "action_type": "click",
            "index": index_of(observation, lambda e: e.class_name.startswith("button") and e.text == target),
        }
    ]


def enter_text(observation):
    field = index_of(observation, lambda e: e.is_editable)
    submit = index_of(observation, lambda e: e.class_name.startswith("button"))
    return [
        {"action_type": "input_text", "index": field, "text": quoted(observation["goal"])},
        {"action_type": "click", "index": submit},
    ]


def click_link(observation):
    target = quoted(observation["goal"])
    return [
        {
            "action_type": "click",
            "index": index_of(observation, lambda e: e.class_name == "span.alink" and e.text == target),
        }
    ]


def focus_text(observation):
    return [{"action_type": "click", "index": index_of(observation, lambda e: e.is_editable)}]


def click_checkboxes(observation):
    words = re.search(r"Select (.*) and click Submit", observation["goal"]).group(1)
    wanted = {w.strip() for w in words.replace("nothing", "").split(",") if w.strip()}
    actions = []
    for i, element in enumerate(observation["ui_elements"]):
        if element.class_name.startswith("label") and element.text in wanted:
            actions.append({"action_type": "click", "index": i})
    submit = index_of(observation, lambda e: e.class_name.startswith("button"))
    return actions + [{"action_type": "click", "index": submit}]


SCRIPTS = {
    "click-button": click_button,
    "enter-text": enter_text,
    "click-link": click_link,
    "focus-text": focus_text,
    "click-checkboxes": click_checkboxes,
}


@pytest.fixture(scope="module")
def env():
    adapter = MiniWoBAdapter(MiniWoBConfig(templates=list(SCRIPTS)))
    yield adapter
    adapter.close()


@pytest.mark.parametrize("task", list(SCRIPTS))
def test_scripted_policy_solves_task_in_chromium(env, task):
    successes = 0
    for seed in range(3):
        observation, _ = env.reset(seed=seed, options={"task": task})
        assert observation["goal"] and observation["ui_elements"]
        for action in SCRIPTS[task](observation):
            observation, reward, terminated, truncated, info = env.step(action)
            assert not info["invalid_action"], info["invalid_reason"]
        successes += info["success"] and reward == 1.0
    assert successes == 3


def test_invalid_actions_on_a_web_page(env):
    env.reset(seed=0, options={"task": "click-button"})
    _, _, _, _, info = env.step('{"action_type": "open_app", "app_name": "Clock"}')
    assert info["invalid_action"] and "not supported on a web page" in info["invalid_reason"]
    _, _, _, _, info = env.step('{"action_type": "click", "index": 999}')
    assert info["invalid_action"] and "out of range" in info["invalid_reason"]
    _, _, _, _, info = env.step("click the okay button")
    assert info["invalid_action"]
