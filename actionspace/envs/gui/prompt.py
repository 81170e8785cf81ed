"""Rendering a GUI observation as the text a language policy reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from actionspace.envs.gui.schema import UIElement

MAX_TEXT_CHARS = 60


def describe_element(index: int, element: UIElement) -> str:
    """``3: Button "Save" (clickable)``: index, kind, visible text or description, and what it accepts."""
    kind = (element.class_name or "View").rsplit(".", 1)[-1]
    label = element.text or element.content_description or element.hint_text or ""
    label = label if len(label) <= MAX_TEXT_CHARS else label[: MAX_TEXT_CHARS - 3] + "..."
    traits = [
        name
        for name, on in (
            ("clickable", element.is_clickable),
            ("editable", element.is_editable),
            ("scrollable", element.is_scrollable),
            ("checked", element.is_checked),
            ("selected", element.is_selected),
            ("disabled", not element.is_enabled),
        )
        if on
    ]
    text = f'{index}: {kind} "{label}"' if label else f"{index}: {kind}"
    if element.is_editable and element.hint_text and element.text:
        text += f' hint "{element.hint_text}"'
    return text + (f" ({', '.join(traits)})" if traits else "")


def render_observation(
    goal: str, ui_elements: Sequence[UIElement], *, screen: str = "", history: Sequence[str] = (), max_history: int = 5
) -> str:
    """The user message of one step: goal, current screen, numbered UI elements, recent actions."""
    lines = [f"Goal: {goal}"]
    if screen:
        lines.append(f"Screen: {screen}")
    lines.append("UI elements:")
    lines.extend(describe_element(i, element) for i, element in enumerate(ui_elements))
    recent = list(history)[-max_history:] if max_history > 0 else []
    if recent:
        lines.append("Previous actions:")
        lines.extend(f"- {action}" for action in recent)
    lines.append("Next action as JSON:")
    return "\n".join(lines)


def render_gui_observation(observation: dict[str, Any]) -> str:
    """A GUI env's observation dict (goal, UI elements, screen, recent actions) as the policy's user message:
    one function for acting and for demonstrations, so their prompts are byte-identical."""
    return render_observation(
        observation["goal"],
        observation["ui_elements"],
        screen=observation["screen"],
        history=observation.get("history", ()),
    )
