"""The android-env adapter, against android-env's FakeSimulator (a real emulator test skips without an SDK)."""

from __future__ import annotations

import pytest

pytest.importorskip("android_env", reason="android-env is part of the gui extra")

from actionspace.core.config import ConfigError  # noqa: E402
from actionspace.envs.errors import EnvironmentDied  # noqa: E402
from actionspace.envs.gui.android import (  # noqa: E402
    LONG_PRESS_TOUCHES,
    AndroidConfig,
    AndroidEnvAdapter,
    emulator_available,
    parse_uiautomator,
    to_primitives,
)
from actionspace.envs.gui.schema import JSONAction, UIElement  # noqa: E402

DUMP = """UI hierchary dumped to: /dev/tty<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<hierarchy rotation="0"><node index="0" text="" class="android.widget.FrameLayout" package="com.android.settings"
 content-desc="" checkable="false" checked="false" clickable="false" enabled="true" focusable="false" focused="false"
 scrollable="true" long-clickable="false" selected="false" bounds="[0,0][1080,2400]" resource-id="">
<node index="0" text="Wi-Fi" class="android.widget.Switch" package="com.android.settings" content-desc=""
 checkable="true" checked="true" clickable="true" enabled="true" focusable="true" focused="false" scrollable="false"
 long-clickable="false" selected="false" bounds="[40,300][1040,420]" resource-id="android:id/switch_widget"/>
<node index="1" text="" class="android.widget.EditText" package="com.android.settings" content-desc="Search"
 checkable="false" checked="false" clickable="true" enabled="true" focusable="true" focused="true" scrollable="false"
 long-clickable="true" selected="false" bounds="[40,100][1040,200]" resource-id="search"/>
<node index="2" text="gone" class="android.view.View" bounds="[10,10][10,10]"/></node></hierarchy>"""


def test_uiautomator_dump_becomes_ui_elements():
    elements = parse_uiautomator(DUMP)
    assert len(elements) == 3  # the zero-area node is dropped
    switch, search = elements[1], elements[2]
    assert (switch.text, switch.class_name, switch.bbox, switch.is_checked, switch.is_clickable) == (
        "Wi-Fi",
        "android.widget.Switch",
        (40, 300, 1040, 420),
        True,
        True,
    )
    assert search.content_description == "Search" and search.is_editable and search.is_focused
    assert elements[0].is_scrollable and elements[0].package_name == "com.android.settings"
    assert parse_uiautomator("ERROR: could not get idle state.") == []


ELEMENTS = [UIElement(text="OK", bbox=(0, 0, 100, 50)), UIElement(text="Name", bbox=(100, 200, 300, 260))]
SCREEN = (1080, 2400)


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (JSONAction("click", index=1), [("touch", (200, 230)), ("lift", (200, 230))]),
        (JSONAction("click", x=10, y=20), [("touch", (10, 20)), ("lift", (10, 20))]),
        (JSONAction("double_tap", index=0), [("touch", (50, 25)), ("lift", (50, 25))] * 2),
        (JSONAction("long_press", index=0), [("touch", (50, 25))] * LONG_PRESS_TOUCHES + [("lift", (50, 25))]),
        (JSONAction("navigate_back"), [("adb", ["shell", "input", "keyevent", "KEYCODE_BACK"])]),
        (
            JSONAction("input_text", index=1, text="hi there"),
            [("touch", (200, 230)), ("lift", (200, 230)), ("adb", ["shell", "input", "text", "hi%sthere"])],
        ),
        # scrolling down moves the finger up the screen: from 3/4 of the height to 1/4
        (
            JSONAction("scroll", direction="down"),
            [("touch", (540, 1800)), ("touch", (540, 1200)), ("touch", (540, 600)), ("lift", (540, 600))],
        ),
        (
            JSONAction("scroll", direction="up"),
            [("touch", (540, 600)), ("touch", (540, 1200)), ("touch", (540, 1800)), ("lift", (540, 1800))],
        ),
        (
            JSONAction("open_app", app_name="clock"),
            [
                (
                    "adb",
                    [
                        "shell",
                        "monkey",
                        "-p",
                        "com.google.android.deskclock",
                        "-c",
                        "android.intent.category.LAUNCHER",
                        "1",
                    ],
                )
            ],
        ),
        (JSONAction("status", goal_status="complete"), []),
    ],
)
def test_actions_map_to_device_primitives(action, expected):
    assert to_primitives(action, ELEMENTS, SCREEN, AndroidConfig(simulator="fake").app_packages) == expected


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        (JSONAction("click", index=5), "out of range"),
        (JSONAction("click", x=2000, y=10), "off the screen"),
        (JSONAction("open_app", app_name="Tetris"), "no package known"),
    ],
)
def test_impossible_actions_are_reasons_not_exceptions(action, reason):
    assert reason in to_primitives(action, ELEMENTS, SCREEN, {"Clock": "x"})


class WifiTask:
    name, goal = "FakeWifi", "Press OK."

    def __init__(self):
        self.pressed = False

    def is_successful(self, env):
        return float(self.pressed)


def test_fake_simulator_episode_through_the_adapter():
    task = WifiTask()
    env = AndroidEnvAdapter(AndroidConfig(simulator="fake", max_steps=5), ui_provider=lambda env: list(ELEMENTS))
    observation, info = env.reset(options={"task": task})
    assert observation["goal"] == "Press OK." and [e.text for e in observation["ui_elements"]] == ["OK", "Name"]
    for action in (
        '{"action_type": "click", "index": 0}',
        {"action_type": "scroll", "direction": "down"},
        '{"action_type": "navigate_home"}',
        '{"action_type": "input_text", "index": 1, "text": "Ann"}',
    ):
        _, reward, terminated, truncated, info = env.step(action)
        assert not info["invalid_action"], info["invalid_reason"]
    _, _, _, _, info = env.step("tap the OK button please")
    assert info["invalid_action"] and "no JSON object" in info["invalid_reason"]
    task.pressed = True
    _, reward, terminated, _, info = env.step('{"action_type": "status", "goal_status": "complete"}')
    assert terminated and info["success"] and reward == 1.0
    env.close()


def test_a_dead_emulator_raises_one_typed_error():
    from android_env.components import errors

    env = AndroidEnvAdapter(AndroidConfig(simulator="fake"), ui_provider=lambda env: list(ELEMENTS))
    env.reset()

    def crash(action):
        raise errors.SimulatorError("emulator process exited")

    env._env.step = crash
    with pytest.raises(EnvironmentDied, match="SimulatorError: emulator process exited"):
        env.step('{"action_type": "click", "index": 0}')


def test_missing_sdk_is_a_clear_config_error(tmp_path):
    with pytest.raises(ConfigError, match="no Android SDK at .*docs/envs.md"):
        AndroidConfig(android_sdk_root=str(tmp_path))


@pytest.mark.skipif(not emulator_available(), reason="no Android SDK, AVD or /dev/kvm on this machine (docs/envs.md)")
def test_real_emulator_home_screen():
    env = AndroidEnvAdapter(AndroidConfig())
    observation, _ = env.reset()
    assert observation["ui_elements"], "the emulator returned no accessibility tree"
    _, _, _, _, info = env.step('{"action_type": "navigate_home"}')
    assert not info["invalid_action"]
    env.close()
