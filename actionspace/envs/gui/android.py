"""`AndroidEnvAdapter`: a real Android emulator (or android-env's FakeSimulator) behind simphone's interface.

It follows AndroidWorld's conventions: an AVD (Pixel 6, API 33) on console port 5554 with gRPC on 8554,
JSONActions turned into touches, swipes and adb commands, and the accessibility tree read with
``uiautomator dump`` and mapped to UIElements. Anything android-env raises about a dead emulator or adb
becomes :class:`EnvironmentDied`, which the rollout pool recovers from.

Success: an AndroidWorld-style task object (``goal``, ``is_successful(env)``) can be passed in reset
options; without one, the android-env task's own reward signal decides (``reward > 0``).
"""

from __future__ import annotations

import os
import shlex
import shutil
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import gymnasium as gym
import numpy as np

from actionspace.core.config import ConfigError
from actionspace.core.registry import ENVS
from actionspace.envs.errors import EnvironmentDied
from actionspace.envs.gui.schema import JSONAction, UIElement, parse_action
from actionspace.envs.gui.spaces import GUIObservationSpace, TextOrActionSpace

FAKE_TASK = Path(__file__).with_name("android_fake_task.textproto")
KEYCODES = {"navigate_home": "KEYCODE_HOME", "navigate_back": "KEYCODE_BACK", "keyboard_enter": "KEYCODE_ENTER"}
LONG_PRESS_TOUCHES = 10  # android-env steps held down; long enough for Android's long-press timeout


@dataclass(kw_only=True)
class AndroidConfig:
    simulator: Literal["emulator", "fake"] = "emulator"
    """emulator: a real AVD through the Android SDK; fake: android-env's FakeSimulator (tests, no SDK)."""
    avd_name: str = "AndroidWorldAvd"
    """AVD to launch (AndroidWorld: Pixel 6, API 33)."""
    android_sdk_root: str = "~/Android/Sdk"
    """Android SDK root (holds emulator/ and platform-tools/)."""
    console_port: int = 5554
    """Emulator console port; with grpc_port set, an already-running emulator is used."""
    grpc_port: int = 8554
    """Emulator gRPC port (AndroidWorld launches with -grpc 8554)."""
    task_path: str | None = None
    """android-env task textproto (default: a task with no reward of its own)."""
    screen_size: tuple[int, int] = (1080, 2400)
    """Screen width and height in pixels."""
    max_steps: int = 30
    """Agent steps before truncation."""
    invalid_action_penalty: float = 0.0
    """Reward added (as a negative) for an invalid action."""
    app_packages: dict[str, str] = field(
        default_factory=lambda: {
            "Contacts": "com.google.android.contacts",
            "Clock": "com.google.android.deskclock",
            "Settings": "com.android.settings",
            "Chrome": "com.android.chrome",
            "Files": "com.google.android.documentsui",
            "Camera": "com.android.camera2",
            "Calendar": "com.simplemobiletools.calendar.pro",
            "Markor": "net.gsantner.markor",
            "Expenses": "com.arduia.expense",
        }
    )
    """App name -> package, for open_app (AndroidWorld's apps by default)."""

    def sdk_tools(self) -> tuple[Path, Path]:
        root = Path(self.android_sdk_root).expanduser()
        return root / "emulator" / "emulator", root / "platform-tools" / "adb"

    def __post_init__(self) -> None:
        if self.simulator == "emulator":
            emulator, adb = self.sdk_tools()
            if not emulator.exists() or not adb.exists():
                raise ConfigError(
                    f"no Android SDK at {self.android_sdk_root} (need emulator/emulator and platform-tools/adb); "
                    "install the SDK and an AVD as in docs/envs.md, or use simulator=fake"
                )


def emulator_available(sdk_root: str = "~/Android/Sdk") -> bool:
    """Whether a real emulator could be driven here (SDK present and KVM available)."""
    root = Path(os.environ.get("ANDROID_SDK_ROOT", sdk_root)).expanduser()
    return (root / "emulator" / "emulator").exists() and Path("/dev/kvm").exists() and shutil.which("java") is not None


# ------------------------------------------------------------------------------------------------
# Accessibility tree -> UIElements
def parse_uiautomator(xml_text: str) -> list[UIElement]:
    """UIElements from ``uiautomator dump`` XML, in document order, visible nodes only."""
    start = xml_text.find("<?xml")
    start = start if start >= 0 else xml_text.find("<hierarchy")
    if start < 0:
        return []
    try:
        root = ElementTree.fromstring(xml_text[start : xml_text.rfind(">") + 1])
    except ElementTree.ParseError:
        return []
    elements = []
    for node in root.iter("node"):
        bounds = _bounds(node.get("bounds", ""))
        if bounds is None or bounds[2] <= bounds[0] or bounds[3] <= bounds[1]:
            continue
        flag = _flags(node)
        elements.append(
            UIElement(
                text=node.get("text") or None,
                content_description=node.get("content-desc") or None,
                class_name=node.get("class") or None,
                bbox=bounds,
                hint_text=node.get("hint") or None,
                is_checked=flag("checked"),
                is_checkable=flag("checkable"),
                is_clickable=flag("clickable"),
                is_editable=node.get("class", "").endswith("EditText"),
                is_enabled=flag("enabled"),
                is_focused=flag("focused"),
                is_focusable=flag("focusable"),
                is_long_clickable=flag("long-clickable"),
                is_scrollable=flag("scrollable"),
                is_selected=flag("selected"),
                package_name=node.get("package") or None,
                resource_name=node.get("resource-id") or None,
            )
        )
    return elements


def _flags(node: ElementTree.Element) -> Callable[[str], bool]:
    return lambda name: node.get(name) == "true"


def _bounds(text: str) -> tuple[int, int, int, int] | None:
    numbers = [int(n) for n in text.replace("][", ",").strip("[]").split(",") if n.strip().lstrip("-").isdigit()]
    return (numbers[0], numbers[1], numbers[2], numbers[3]) if len(numbers) == 4 else None


# ------------------------------------------------------------------------------------------------
# JSONAction -> primitive device actions
Primitive = tuple[str, Any]  # ("touch", (x, y)) | ("lift", (x, y)) | ("adb", [args]) | ("sleep", seconds)


def to_primitives(
    action: JSONAction, elements: list[UIElement], screen: tuple[int, int], packages: dict[str, str]
) -> list[Primitive] | str:
    """The touches, lifts and adb commands that carry out ``action``, or why it cannot be done."""
    kind = action.action_type
    if kind in ("click", "double_tap", "long_press"):
        point = _point(action, elements, screen)
        if isinstance(point, str):
            return point
        if kind == "long_press":
            return [("touch", point)] * LONG_PRESS_TOUCHES + [("lift", point)]
        taps = [("touch", point), ("lift", point)]
        return taps * 2 if kind == "double_tap" else taps
    if kind == "input_text":
        prefix: list[Primitive] = []
        if action.index is not None or action.x is not None:
            point = _point(action, elements, screen)
            if isinstance(point, str):
                return point
            prefix = [("touch", point), ("lift", point)]
        if action.clear_text:
            prefix.append(("adb", ["shell", "input", "keycombination", "KEYCODE_CTRL_LEFT", "KEYCODE_A"]))
            prefix.append(("adb", ["shell", "input", "keyevent", "KEYCODE_DEL"]))
        # adb's `input text` reads %s as a space and needs shell quoting for the rest.
        text = shlex.quote((action.text or "").replace(" ", "%s"))
        return prefix + [("adb", ["shell", "input", "text", text])]
    if kind in KEYCODES:
        return [("adb", ["shell", "input", "keyevent", KEYCODES[kind]])]
    if kind == "open_app":
        package = next((p for name, p in packages.items() if name.lower() == (action.app_name or "").lower()), None)
        if package is None:
            return f"no package known for app {action.app_name!r} (add it to app_packages)"
        return [("adb", ["shell", "monkey", "-p", package, "-c", "android.intent.category.LAUNCHER", "1"])]
    if kind in ("scroll", "swipe"):
        width, height = screen
        start, end = (width // 2, height * 3 // 4), (width // 2, height // 4)  # finger up: content scrolls down
        if action.direction in ("left", "right"):
            start, end = (width * 3 // 4, height // 2), (width // 4, height // 2)
        if (kind == "scroll") == (action.direction in ("up", "left")):
            start, end = end, start
        middle = ((start[0] + end[0]) // 2, (start[1] + end[1]) // 2)
        return [("touch", start), ("touch", middle), ("touch", end), ("lift", end)]
    if kind == "wait":
        return [("sleep", 1.0)]
    if kind in ("status", "answer"):
        return []
    return f"{kind} is not supported on a device"


def _point(action: JSONAction, elements: list[UIElement], screen: tuple[int, int]) -> tuple[int, int] | str:
    if action.index is not None:
        if not 0 <= action.index < len(elements):
            return f"index {action.index} is out of range (0-{len(elements) - 1})"
        center = elements[action.index].center
        return center if center is not None else f"element {action.index} has no bounds"
    assert action.x is not None and action.y is not None
    if not (0 <= action.x < screen[0] and 0 <= action.y < screen[1]):
        return f"point ({action.x}, {action.y}) is off the screen"
    return (action.x, action.y)


# ------------------------------------------------------------------------------------------------
@ENVS.register("android")
class AndroidEnvAdapter(gym.Env):
    """AndroidWorld's observation/action format over android-env.

    Args:
        config: the adapter config.
        ui_provider: returns the current UIElements; default: ``uiautomator dump`` over adb. Tests pass
            their own when the FakeSimulator has no accessibility tree.
    """

    metadata = {"render_modes": []}
    config_class = AndroidConfig

    def __init__(
        self,
        config: AndroidConfig | None = None,
        *,
        ui_provider: Callable[[AndroidEnvAdapter], list[UIElement]] | None = None,
    ) -> None:
        self.config = config or AndroidConfig()
        self.ui_provider = ui_provider or AndroidEnvAdapter.read_ui
        self.observation_space = GUIObservationSpace()
        self.action_space = TextOrActionSpace()
        self.templates: list[str] = ["android_env_task"]
        self._env = self._load()
        self.elements: list[UIElement] = []
        self.goal = ""
        self.task: Any = None
        self.answer: str | None = None
        self.history: list[str] = []
        self.steps, self.episode_reward, self.device_done = 0, 0.0, False

    def _load(self) -> Any:
        try:
            from android_env import loader
            from android_env.components import config_classes
        except ImportError as error:
            raise ConfigError("android-env is not installed: pip install -e '.[gui]'") from error
        task = config_classes.FilesystemTaskConfig(path=self.config.task_path or str(FAKE_TASK))
        width, height = self.config.screen_size
        if self.config.simulator == "fake":
            simulator: Any = config_classes.FakeSimulatorConfig(screen_dimensions=(height, width))
        else:
            emulator, adb = self.config.sdk_tools()
            simulator = config_classes.EmulatorConfig(
                emulator_launcher=config_classes.EmulatorLauncherConfig(
                    emulator_path=str(emulator),
                    android_sdk_root=str(Path(self.config.android_sdk_root).expanduser()),
                    avd_name=self.config.avd_name,
                    emulator_console_port=self.config.console_port,
                    adb_port=self.config.console_port + 1,
                    grpc_port=self.config.grpc_port,
                ),
                adb_controller=config_classes.AdbControllerConfig(
                    adb_path=str(adb), device_name=f"emulator-{self.config.console_port}"
                ),
            )
        return self._guard(lambda: loader.load(config_classes.AndroidEnvConfig(task=task, simulator=simulator)))

    # gymnasium API ---------------------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        options = options or {}
        self.task = options.get("task") if not isinstance(options.get("task"), str) else None
        self.goal = options.get("goal") or getattr(self.task, "goal", "") or "Complete the task."
        self._guard(self._env.reset)
        self.history, self.steps, self.episode_reward, self.device_done, self.answer = [], 0, 0.0, False, None
        return self._observe(), self._info(False, None)

    def step(self, action: Any):
        self.steps += 1
        parsed = parse_action(action.to_json() if isinstance(action, JSONAction) else action)
        reason = parsed.error
        if parsed.action is not None:
            plan = to_primitives(parsed.action, self.elements, self.config.screen_size, self.config.app_packages)
            if isinstance(plan, str):
                reason = plan
            else:
                for primitive in plan:
                    self._execute(primitive)
                if parsed.action.action_type == "answer":
                    self.answer = parsed.action.text
        invalid = reason is not None
        self.history.append(f"invalid: {reason}" if invalid else parsed.action.to_json())  # type: ignore[union-attr]
        terminated = (not invalid and parsed.action.action_type == "status") or self.device_done  # type: ignore[union-attr]
        truncated = not terminated and self.steps >= self.config.max_steps
        success = self._success() if (terminated or truncated) else False
        reward = (1.0 if success else 0.0) if (terminated or truncated) else 0.0
        reward -= self.config.invalid_action_penalty if invalid else 0.0
        return self._observe(), reward, terminated, truncated, self._info(invalid, reason, success)

    def close(self) -> None:
        try:
            self._env.close()
        except Exception:  # closing a dead emulator can fail; there is nothing left to release
            pass

    # Device I/O ------------------------------------------------------------------------------------
    def _execute(self, primitive: Primitive) -> None:
        kind, argument = primitive
        if kind == "sleep":
            time.sleep(argument if self.config.simulator == "emulator" else 0.0)
        elif kind == "adb":
            self.adb(argument)
        else:
            from android_env.components import action_type

            width, height = self.config.screen_size
            position = np.array([argument[0] / width, argument[1] / height], dtype=np.float32).clip(0, 1)
            code = action_type.ActionType.TOUCH if kind == "touch" else action_type.ActionType.LIFT
            timestep = self._guard(lambda: self._env.step({"action_type": np.array(code), "touch_position": position}))
            self.episode_reward += float(timestep.reward or 0.0)
            self.device_done = self.device_done or timestep.last()

    def adb(self, args: list[str]) -> str:
        """Runs an adb command on the device; returns its output."""
        from android_env.proto import adb_pb2

        request = adb_pb2.AdbRequest(generic=adb_pb2.AdbRequest.GenericRequest(args=args))
        response = self._guard(lambda: self._env.execute_adb_call(request))
        if response.status != adb_pb2.AdbResponse.Status.OK:
            raise EnvironmentDied(f"adb {' '.join(args[:3])} failed: {response.error_message}")
        return response.generic.output.decode("utf-8", errors="replace")

    def read_ui(self) -> list[UIElement]:
        return parse_uiautomator(self.adb(["shell", "uiautomator", "dump", "/dev/tty"]))

    def _observe(self) -> dict[str, Any]:
        self.elements = self.ui_provider(self)
        package = next((e.package_name for e in self.elements if e.package_name), "") or ""
        return {"goal": self.goal, "screen": package, "ui_elements": list(self.elements), "history": self.history[-5:]}

    def _success(self) -> bool:
        if self.task is not None and hasattr(self.task, "is_successful"):
            return self.task.is_successful(self) == 1.0
        return self.episode_reward > 0

    def _info(self, invalid: bool, reason: str | None, success: bool = False) -> dict[str, Any]:
        return {
            "success": success,
            "invalid_action": invalid,
            "invalid_reason": reason,
            "task": getattr(self.task, "name", "android_env_task"),
            "goal": self.goal,
            "step": self.steps,
        }

    @staticmethod
    def _guard(call: Callable[[], Any]) -> Any:
        from android_env.components import errors

        try:
            return call()
        except errors.AndroidEnvError as error:
            raise EnvironmentDied(f"{type(error).__name__}: {error}") from error
