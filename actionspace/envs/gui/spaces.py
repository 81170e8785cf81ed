"""gymnasium spaces for GUI environments: structured observations, and actions as text or JSONAction."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from actionspace.envs.gui.schema import ACTION_TYPES, DIRECTIONS, JSONAction, UIElement

SAMPLE_WORDS = ("hello", "Alice", "12", "2026-01-01", "Save", "note")


class GUIObservationSpace(gym.Space):
    """``{"goal": str, "screen": str, "ui_elements": [UIElement], "history": [str]}``."""

    def __init__(self) -> None:
        super().__init__(shape=None, dtype=None)

    def contains(self, x: Any) -> bool:
        return (
            isinstance(x, dict)
            and isinstance(x.get("goal"), str)
            and isinstance(x.get("screen"), str)
            and isinstance(x.get("ui_elements"), list)
            and all(isinstance(e, UIElement) for e in x["ui_elements"])
            and isinstance(x.get("history"), list)
        )

    def sample(self, mask: Any = None, probability: Any = None) -> dict[str, Any]:
        return {"goal": "", "screen": "", "ui_elements": [UIElement(text="sample")], "history": []}

    @property
    def is_np_flattenable(self) -> bool:
        return False


class TextOrActionSpace(gym.Space):
    """A model's text or a :class:`JSONAction`. ``sample()`` draws a uniformly random action type with
    random arguments: it is the random policy of the evaluation tables."""

    def __init__(self, max_index: int = 12, seed: int | None = None) -> None:
        super().__init__(shape=None, dtype=None, seed=seed)
        self.max_index = max_index

    def contains(self, x: Any) -> bool:
        return isinstance(x, (str, JSONAction, dict))

    def sample(self, mask: Any = None, probability: Any = None) -> JSONAction:
        rng: np.random.Generator = self.np_random
        kind = str(rng.choice([t for t in ACTION_TYPES if t != "unknown"]))
        action = JSONAction(kind)
        if kind in ("click", "double_tap", "long_press", "input_text"):
            action.index = int(rng.integers(0, self.max_index))
        if kind in ("input_text", "answer"):
            action.text = str(rng.choice(SAMPLE_WORDS))
        if kind in ("scroll", "swipe"):
            action.direction = str(rng.choice(DIRECTIONS))
        if kind == "open_app":
            action.app_name = str(
                rng.choice(["Contacts", "Messages", "Clock", "Calendar", "Settings", "Notes", "Expenses", "Files"])
            )
        if kind == "status":
            action.goal_status = "complete"
        return action

    @property
    def is_np_flattenable(self) -> bool:
        return False
