"""AndroidWorld's action and UI-element schema, and a parser from model text to actions that never raises.

The fields and action names mirror AndroidWorld's ``JSONAction`` and ``UIElement`` (its package is not on
PyPI), so an agent trained on the simulated phone speaks to a real emulator unchanged. The parser also
accepts the SoLS paper's hyphenated names ("open-app", "input-text") and the usual ways models wrap JSON.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

ACTION_TYPES = (
    "click",
    "double_tap",
    "long_press",
    "input_text",
    "keyboard_enter",
    "navigate_home",
    "navigate_back",
    "open_app",
    "scroll",
    "swipe",
    "wait",
    "status",
    "answer",
    "unknown",
)
DIRECTIONS = ("up", "down", "left", "right")
GOAL_STATUSES = ("complete", "infeasible")

# Names models produce for the same action (the SoLS paper's hyphenated ones, short forms).
ACTION_ALIASES = {
    "tap": "click",
    "press": "click",
    "double_click": "double_tap",
    "long_click": "long_press",
    "type": "input_text",
    "input": "input_text",
    "enter": "keyboard_enter",
    "home": "navigate_home",
    "back": "navigate_back",
    "go_home": "navigate_home",
    "go_back": "navigate_back",
    "launch_app": "open_app",
    "open": "open_app",
    "finish": "status",
    "done": "status",
}
# Which fields each action needs, beyond action_type (one of index or x/y for the pointing actions).
POINTING = ("click", "double_tap", "long_press")


@dataclass
class JSONAction:
    """One action, AndroidWorld's fields. Unused fields stay ``None``."""

    action_type: str
    index: int | None = None
    x: int | None = None
    y: int | None = None
    text: str | None = None
    direction: str | None = None
    goal_status: str | None = None
    app_name: str | None = None
    keycode: str | None = None
    clear_text: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """Only the fields that are set, ``action_type`` first (the form models are trained to write)."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JSONAction:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class UIElement:
    """A node of the accessibility tree, as AndroidWorld represents it. ``bbox`` is (x_min, y_min, x_max, y_max)."""

    text: str | None = None
    content_description: str | None = None
    class_name: str | None = None
    bbox: tuple[int, int, int, int] | None = None
    hint_text: str | None = None
    is_checked: bool = False
    is_checkable: bool = False
    is_clickable: bool = False
    is_editable: bool = False
    is_enabled: bool = True
    is_focused: bool = False
    is_focusable: bool = False
    is_long_clickable: bool = False
    is_scrollable: bool = False
    is_selected: bool = False
    is_visible: bool = True
    package_name: str | None = None
    resource_name: str | None = None

    @property
    def center(self) -> tuple[int, int] | None:
        if self.bbox is None:
            return None
        x0, y0, x1, y1 = self.bbox
        return ((x0 + x1) // 2, (y0 + y1) // 2)


@dataclass
class ParsedAction:
    """The result of parsing model text: an action, or ``None`` with the reason it is invalid."""

    action: JSONAction | None
    error: str | None = None
    raw: str = field(default="", repr=False)

    @property
    def valid(self) -> bool:
        return self.action is not None


_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)


def parse_action(text: Any) -> ParsedAction:
    """Parses a model's output into a validated :class:`JSONAction`; never raises.

    Accepts a JSON object alone, inside prose or a code fence, with single quotes (a Python dict literal),
    hyphenated or aliased action names, numbers as strings, missing optional fields and extra fields
    (ignored). Anything else becomes ``ParsedAction(None, error=...)``.
    """
    raw = text if isinstance(text, str) else repr(text)
    try:
        candidate = _extract_object(raw)
        if candidate is None:
            return ParsedAction(None, "no JSON object found in the output", raw)
        return _validate(candidate, raw)
    except Exception as error:  # the contract is "never raises": report any surprise as an invalid action
        return ParsedAction(None, f"unparseable action ({type(error).__name__})", raw)


def _extract_object(text: str) -> dict[str, Any] | None:
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    for chunk in candidates:
        for start in [i for i, c in enumerate(chunk) if c == "{"][:20]:
            end = _matching_brace(chunk, start)
            if end is None:
                continue
            obj = _load(chunk[start : end + 1])
            if isinstance(obj, dict):
                return obj
    return None


def _matching_brace(text: str, start: int) -> int | None:
    depth, quote, escaped = 0, "", False
    for i in range(start, len(text)):
        c = text[i]
        if quote:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
    return None


def _load(chunk: str) -> Any:
    try:
        return json.loads(chunk)
    except (json.JSONDecodeError, RecursionError):
        pass
    try:
        # Single-quoted dicts, True/False/None: a Python literal, evaluated safely.
        return ast.literal_eval(chunk)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _validate(data: dict[str, Any], raw: str) -> ParsedAction:
    name = data.get("action_type", data.get("action", data.get("type")))
    if not isinstance(name, str) or not name.strip():
        return ParsedAction(None, "missing action_type", raw)
    name = name.strip().lower().replace("-", "_").replace(" ", "_")
    name = ACTION_ALIASES.get(name, name)
    if name not in ACTION_TYPES:
        return ParsedAction(None, f"unknown action_type {name!r}", raw)
    values: dict[str, Any] = {"action_type": name}
    for key in ("index", "x", "y"):
        if data.get(key) is not None:
            number = _as_int(data[key])
            if number is None:
                return ParsedAction(None, f"{key} must be an integer, got {data[key]!r}", raw)
            values[key] = number
    for key in ("text", "direction", "goal_status", "app_name", "keycode"):
        if data.get(key) is not None:
            values[key] = str(data[key])
    if isinstance(data.get("clear_text"), bool):
        values["clear_text"] = data["clear_text"]
    action = JSONAction(**values)
    problem = _missing_fields(action)
    if problem:
        return ParsedAction(None, problem, raw)
    return ParsedAction(action, None, raw)


def _missing_fields(action: JSONAction) -> str | None:
    kind = action.action_type
    if kind in POINTING and action.index is None and (action.x is None or action.y is None):
        return f"{kind} needs an index or x and y"
    if kind == "input_text" and action.text is None:
        return "input_text needs text"
    if kind == "open_app" and not action.app_name:
        return "open_app needs app_name"
    if kind in ("scroll", "swipe") and action.direction is not None:
        action.direction = action.direction.lower()
        if action.direction not in DIRECTIONS:
            return f"{kind} direction must be one of {', '.join(DIRECTIONS)}"
    if kind in ("scroll", "swipe") and action.direction is None:
        return f"{kind} needs a direction"
    if kind == "status":
        status = (action.goal_status or "complete").lower()
        if status not in GOAL_STATUSES:
            return f"status goal_status must be complete or infeasible, got {action.goal_status!r}"
        action.goal_status = status
    if kind == "answer" and action.text is None:
        return "answer needs text"
    return None


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None
