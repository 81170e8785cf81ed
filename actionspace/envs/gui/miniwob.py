"""`MiniWoBAdapter`: MiniWoB++ web tasks in real (headless) Chromium, behind the same JSONAction interface.

DOM elements become UIElements (leaves and form controls with a visible box), so a policy that reads
numbered UI elements and answers with a JSONAction acts on a web page exactly as on the phone. A task
ends when MiniWoB ends it (success is a positive raw reward) or the agent reports ``status``.

Needs Debian's ``chromium`` and ``chromium-driver`` (``make install`` installs them) and the ``miniwob``
and ``selenium`` packages (the gui extra). Nothing is fetched: MiniWoB's pages ship inside its package.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np

from actionspace.core.config import ConfigError
from actionspace.core.registry import ENVS
from actionspace.envs.errors import EnvironmentDied
from actionspace.envs.gui.schema import JSONAction, UIElement, parse_action
from actionspace.envs.gui.spaces import GUIObservationSpace, TextOrActionSpace

DEFAULT_TASKS = ["click-button", "enter-text", "click-link", "focus-text", "click-checkboxes"]
EDITABLE_TAGS = ("input_text", "input_password", "input_number", "textarea")
CONTROL_TAGS = ("button", "a", "input_checkbox", "input_radio", "select", "label") + EDITABLE_TAGS
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@dataclass(kw_only=True)
class MiniWoBConfig:
    templates: list[str] | None = None
    """MiniWoB++ task names (default: click-button, enter-text, click-link, focus-text, click-checkboxes)."""
    max_steps: int = 10
    """Agent steps before truncation."""
    invalid_action_penalty: float = 0.0
    """Reward added (as a negative) for an invalid action."""
    extra_env_kwargs: dict[str, Any] = field(default_factory=dict)
    """Passed to gymnasium.make (e.g. wait_ms)."""

    def __post_init__(self) -> None:
        if self.max_steps < 1:
            raise ConfigError(f"max_steps must be >= 1, got {self.max_steps}")


def browser_available() -> bool:
    return os.path.exists(os.environ.get("MINIWOB_CHROME_BINARY", CHROMIUM)) and os.path.exists(
        os.environ.get("MINIWOB_CHROMEDRIVER", CHROMEDRIVER)
    )


def dom_to_elements(dom_elements: Any) -> tuple[list[UIElement], list[int]]:
    """Visible leaves and form controls as UIElements, with the MiniWoB ``ref`` of each.

    MiniWoB gives text as pseudo-elements (tag ``t``, negative refs) that cannot be clicked; an element
    with no text of its own (a label, a link) shows its text children's text instead. CSS classes stay
    on the class name (``span.alink`` is a link).
    """
    child_text: dict[int, list[str]] = {}
    for node in dom_elements:
        if str(node["tag"]) == "t" and node.get("text"):
            child_text.setdefault(int(node["parent"]), []).append(str(node["text"]))
    elements, refs = [], []
    for node in dom_elements:
        tag, ref = str(node["tag"]), int(node["ref"])
        width, height = float(np.asarray(node["width"]).ravel()[0]), float(np.asarray(node["height"]).ravel()[0])
        focused, _, _, is_leaf = (bool(f) for f in np.asarray(node["flags"]).ravel()[:4])
        has_text_children = ref in child_text and tag in CONTROL_TAGS
        if width <= 0 or height <= 0 or not (is_leaf or tag in CONTROL_TAGS or has_text_children):
            continue
        left, top = float(np.asarray(node["left"]).ravel()[0]), float(np.asarray(node["top"]).ravel()[0])
        value = node.get("value")
        text = str(node.get("text") or "") or (str(value) if isinstance(value, str) else "")
        text = text or " ".join(child_text.get(ref, []))
        classes = str(node.get("classes") or "").strip()
        elements.append(
            UIElement(
                text=text or None,
                class_name=tag + (f".{classes.split()[0]}" if classes else ""),
                bbox=(int(left), int(top), int(left + width), int(top + height)),
                is_clickable=ref > 0,
                is_editable=tag in EDITABLE_TAGS,
                is_focused=focused,
                is_checkable=tag in ("input_checkbox", "input_radio"),
                is_checked=bool(value)
                if tag in ("input_checkbox", "input_radio") and isinstance(value, bool)
                else False,
                resource_name=str(node.get("id") or "") or None,
                package_name="miniwob",
            )
        )
        refs.append(ref)
    return elements, refs


@ENVS.register("miniwob")
class MiniWoBAdapter(gym.Env):
    metadata = {"render_modes": []}
    config_class = MiniWoBConfig

    def __init__(self, config: MiniWoBConfig | None = None) -> None:
        self.config = config or MiniWoBConfig()
        self.templates = list(self.config.templates or DEFAULT_TASKS)
        self.observation_space = GUIObservationSpace()
        self.action_space = TextOrActionSpace()
        self._env: Any = None
        self._task: str | None = None
        self.elements: list[UIElement] = []
        self.refs: list[int] = []
        self.goal, self.steps = "", 0
        self.history: list[str] = []
        self._rng = np.random.default_rng()

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        if seed is not None:
            self._rng = np.random.default_rng(seed)
        task = (options or {}).get("task") or self.templates[int(self._rng.integers(len(self.templates)))]
        self._open(task)
        try:
            observation, _ = self._env.reset(seed=int(self._rng.integers(2**31)))
        except Exception as error:  # selenium/browser failures: the browser is gone
            raise EnvironmentDied(f"MiniWoB reset failed: {error}") from error
        self.history, self.steps = [], 0
        return self._observe(observation), self._info(False, None, False)

    def step(self, action: Any):
        self.steps += 1
        parsed = parse_action(action.to_json() if isinstance(action, JSONAction) else action)
        reason, reward, done, success = parsed.error, 0.0, False, False
        if parsed.action is not None:
            if parsed.action.action_type == "status":
                done = True
            else:
                miniwob_action = self._translate(parsed.action)
                if isinstance(miniwob_action, str):
                    reason = miniwob_action
                else:
                    try:
                        observation, reward, terminated, truncated, info = self._env.step(miniwob_action)
                    except Exception as error:
                        raise EnvironmentDied(f"MiniWoB step failed: {error}") from error
                    done = terminated or truncated
                    success = terminated and info.get("raw_reward", 0) > 0
                    self._last_observation = observation
        invalid = reason is not None
        self.history.append(f"invalid: {reason}" if invalid else parsed.action.to_json())  # type: ignore[union-attr]
        truncated = not done and self.steps >= self.config.max_steps
        final_reward = (1.0 if success else 0.0) if (done or truncated) else 0.0
        final_reward -= self.config.invalid_action_penalty if invalid else 0.0
        observation = self._observe(self._last_observation)
        return observation, final_reward, done, truncated, self._info(invalid, reason, success)

    def close(self) -> None:
        if self._env is not None:
            self._env.close()
            self._env = None

    # ----------------------------------------------------------------------------------------------
    def _open(self, task: str) -> None:
        if self._task == task and self._env is not None:
            return
        self.close()
        if not browser_available():
            raise ConfigError(
                f"Chromium or chromedriver missing ({CHROMIUM}, {CHROMEDRIVER}); `make install` adds them"
            )
        try:
            import miniwob  # noqa: F401  (registers the miniwob/* environments)
        except ImportError as error:
            raise ConfigError("miniwob is not installed: pip install -e '.[gui]'") from error
        os.environ.setdefault("MINIWOB_CHROME_BINARY", CHROMIUM)
        os.environ.setdefault("MINIWOB_CHROMEDRIVER", shutil.which("chromedriver") or CHROMEDRIVER)
        os.environ.setdefault("SE_OFFLINE", "true")  # selenium must not try to download a driver
        gym.register_envs(miniwob)
        env_id = f"miniwob/{task}-v1"
        if env_id not in gym.registry:
            raise ConfigError(f"unknown MiniWoB++ task {task!r}")
        self._env = gym.make(env_id, **self.config.extra_env_kwargs)
        self._task = task

    def _translate(self, action: JSONAction) -> Any:
        from miniwob.action import ActionTypes

        create = self._env.unwrapped.create_action
        kind = action.action_type
        if kind in ("click", "double_tap", "long_press", "input_text") and action.index is not None:
            if not 0 <= action.index < len(self.refs):
                return f"index {action.index} is out of range (0-{len(self.refs) - 1})"
            ref = self.refs[action.index]
            if ref < 0:
                return f"element {action.index} is plain text, not something to act on"
            if kind == "input_text":
                return create(ActionTypes.FOCUS_ELEMENT_AND_TYPE_TEXT, ref=ref, text=action.text or "")
            return create(ActionTypes.CLICK_ELEMENT, ref=ref)
        if kind in ("click", "double_tap") and action.x is not None and action.y is not None:
            kind_name = ActionTypes.CLICK_COORDS if kind == "click" else ActionTypes.DBLCLICK_COORDS
            return create(kind_name, coords=np.array([action.x, action.y], dtype=np.float32))
        if kind == "input_text":
            return create(ActionTypes.TYPE_TEXT, text=action.text or "")
        if kind == "keyboard_enter":
            return create(ActionTypes.PRESS_KEY, key="<Enter>")
        if kind in ("scroll", "swipe"):
            down = (action.direction == "down") == (kind == "scroll")
            return create(
                ActionTypes.SCROLL_DOWN_COORDS if down else ActionTypes.SCROLL_UP_COORDS,
                coords=np.array([80, 105], dtype=np.float32),
            )
        if kind == "wait":
            return create(ActionTypes.NONE)
        return f"{kind} is not supported on a web page"

    def _observe(self, observation: Any) -> dict[str, Any]:
        self._last_observation = observation
        self.goal = str(observation["utterance"])
        self.elements, self.refs = dom_to_elements(observation["dom_elements"])
        return {
            "goal": self.goal,
            "screen": f"MiniWoB++ {self._task}",
            "ui_elements": list(self.elements),
            "history": self.history[-5:],
        }

    def _info(self, invalid: bool, reason: str | None, success: bool) -> dict[str, Any]:
        return {
            "success": success,
            "invalid_action": invalid,
            "invalid_reason": reason,
            "task": self._task,
            "goal": self.goal,
            "step": self.steps,
        }
