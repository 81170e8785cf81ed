"""An oracle that solves every task from the UI alone, producing demonstrations.

A task's plan is a list of intents ("tap the element labelled Save", "type the name into the field whose
hint is Name", "read the phone number shown"). The oracle resolves each intent against the elements of
the current observation only, scrolling to find what is not visible, exactly as a person reading the
screen would; it never looks at the phone's internal state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from actionspace.envs.gui.schema import JSONAction, UIElement

MAX_SCROLLS = 12


@dataclass(frozen=True)
class Tap:
    label: str
    match: str = "exact"  # exact | prefix | contains
    long: bool = False


@dataclass(frozen=True)
class Type:
    hint: str
    text: str | Recall


@dataclass(frozen=True)
class SetSwitch:
    label: str
    on: bool


@dataclass(frozen=True)
class Adjust:
    """Taps ``increase`` or ``decrease`` until the element ``prefix<value>`` shows ``target``."""

    prefix: str
    target: int
    increase: str
    decrease: str


@dataclass(frozen=True)
class Read:
    """Remembers the text after ``prefix`` in the visible element that starts with it."""

    prefix: str
    key: str


@dataclass(frozen=True)
class Recall:
    key: str


@dataclass(frozen=True)
class Do:
    """A fixed action: open_app, navigate_back/home, answer, status."""

    action: JSONAction


Intent = Tap | Type | SetSwitch | Adjust | Read | Do


def open_app(name: str) -> Do:
    return Do(JSONAction("open_app", app_name=name))


def finish() -> Do:
    return Do(JSONAction("status", goal_status="complete"))


@dataclass
class Oracle:
    """Acts on observations to carry out ``plan``; ``act`` returns one action per call."""

    plan: list[Intent]
    position: int = 0
    memory: dict[str, str] = field(default_factory=dict)
    _scroll_direction: str = "down"
    _scrolls: int = 0
    _last_texts: tuple[Any, ...] = ()

    def act(self, observation: dict[str, Any]) -> JSONAction:
        elements: list[UIElement] = observation["ui_elements"]
        while self.position < len(self.plan):
            intent = self.plan[self.position]
            action = self._resolve(intent, elements)
            if action is None:  # the intent needed no action (already in the wanted state, or a Read)
                self._advance()
                continue
            return action
        return JSONAction("status", goal_status="complete")

    def _advance(self) -> None:
        self.position += 1
        self._scrolls, self._scroll_direction, self._last_texts = 0, "down", ()

    def _resolve(self, intent: Intent, elements: list[UIElement]) -> JSONAction | None:
        if isinstance(intent, Do):
            self._advance()
            action = intent.action
            if action.action_type == "answer" and action.text and action.text.startswith("$"):
                return JSONAction("answer", text=self.memory.get(action.text[1:], ""))
            return action
        if isinstance(intent, Read):
            for element in elements:
                if element.text and element.text.startswith(intent.prefix):
                    self.memory[intent.key] = element.text[len(intent.prefix) :].strip()
                    return None
            return self._search(elements)
        if isinstance(intent, Adjust):
            pattern = re.compile(re.escape(intent.prefix) + r"\s*(-?\d+)")
            for element in elements:
                found = pattern.match(element.text or "")
                if found:
                    value = int(found.group(1))
                    if value == intent.target:
                        return None
                    return self._tap(intent.increase if value < intent.target else intent.decrease, elements)
            return self._search(elements)
        if isinstance(intent, SetSwitch):
            index = _find(elements, intent.label, "exact")
            if index is None:
                return self._search(elements)
            if elements[index].is_checked == intent.on:
                return None
            self._advance()
            return JSONAction("click", index=index)
        if isinstance(intent, Type):
            index = next((i for i, e in enumerate(elements) if e.is_editable and e.hint_text == intent.hint), None)
            if index is None:
                return self._search(elements)
            text = self.memory.get(intent.text.key, "") if isinstance(intent.text, Recall) else intent.text
            self._advance()
            return JSONAction("input_text", index=index, text=text, clear_text=True)
        index = _find(elements, intent.label, intent.match)
        if index is None:
            return self._search(elements)
        self._advance()
        return JSONAction("long_press" if intent.long else "click", index=index)

    def _tap(self, label: str, elements: list[UIElement]) -> JSONAction:
        index = _find(elements, label, "exact")
        return JSONAction("click", index=index) if index is not None else self._search(elements)

    def _search(self, elements: list[UIElement]) -> JSONAction:
        """Scrolls down until the list stops moving, then up; gives up after MAX_SCROLLS."""
        texts = tuple(e.text for e in elements)
        if texts == self._last_texts and self._scroll_direction == "down":
            self._scroll_direction = "up"
        self._last_texts = texts
        self._scrolls += 1
        if self._scrolls > MAX_SCROLLS:
            self.position = len(self.plan)
            return JSONAction("status", goal_status="infeasible")
        return JSONAction("scroll", direction=self._scroll_direction)


def _find(elements: list[UIElement], label: str, match: str) -> int | None:
    wanted = label.lower()
    for i, element in enumerate(elements):
        if not (element.is_clickable or element.is_long_clickable):
            continue
        for text in (element.text, element.content_description):
            if not text:
                continue
            text = text.lower()
            if (
                (match == "exact" and text == wanted)
                or (match == "prefix" and text.startswith(wanted))
                or (match == "contains" and wanted in text)
            ):
                return i
    return None
