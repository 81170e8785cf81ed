"""The simulated phone's screens, built from a few generic kinds: lists, forms, details, dialogs, toggles.

A screen renders to ``Widget``s (a UIElement plus what clicking, long-pressing or typing into it does)
from the current app data every time it is observed, so the UI never disagrees with the state that
tasks are judged on. Lists show ``ROWS_PER_PAGE`` rows and scroll.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from actionspace.envs.gui.schema import UIElement

if TYPE_CHECKING:
    from actionspace.envs.gui.simphone.phone import Phone

SCREEN_WIDTH, SCREEN_HEIGHT = 1080, 2400
TOP_MARGIN, ROW_HEIGHT = 160, 140
ROWS_PER_PAGE = 6
PACKAGE = "com.actionspace.simphone"

Action = Callable[["Phone"], None]


@dataclass
class Widget:
    """One UI element and its behaviour. ``field`` names the form value an editable widget holds."""

    text: str = ""
    kind: str = "TextView"
    on_click: Action | None = None
    on_long_press: Action | None = None
    field: str | None = None
    hint: str | None = None
    checkable: bool = False
    checked: bool = False
    description: str | None = None

    def element(self, row: int, app: str) -> UIElement:
        top = TOP_MARGIN + row * ROW_HEIGHT
        return UIElement(
            text=self.text or None,
            content_description=self.description,
            class_name=f"android.widget.{self.kind}",
            bbox=(40, top, SCREEN_WIDTH - 40, top + ROW_HEIGHT - 20),
            hint_text=self.hint,
            is_checkable=self.checkable,
            is_checked=self.checked,
            is_clickable=self.on_click is not None or self.field is not None,
            is_long_clickable=self.on_long_press is not None,
            is_editable=self.field is not None,
            is_focusable=self.field is not None,
            package_name=f"{PACKAGE}.{app.lower()}",
            resource_name=f"{app.lower()}:id/{(self.field or self.kind).lower()}_{row}",
        )


class Screen:
    """Base screen. Subclasses implement ``content``; scrolling and element layout are handled here."""

    name = "screen"
    app = "Launcher"
    scrollable = False

    def __init__(self) -> None:
        self.offset = 0

    def header(self, phone: Phone) -> list[Widget]:
        """Widgets that stay in place when the content scrolls (title, buttons)."""
        return [Widget(self.title(phone), kind="TextView", description="title")]

    def content(self, phone: Phone) -> list[Widget]:
        return []

    def title(self, phone: Phone) -> str:
        return self.name

    def widgets(self, phone: Phone) -> list[Widget]:
        rows = self.content(phone)
        if self.scrollable:
            self.offset = max(0, min(self.offset, max(0, len(rows) - ROWS_PER_PAGE)))
            rows = rows[self.offset : self.offset + ROWS_PER_PAGE]
        return self.header(phone) + rows

    def scroll(self, phone: Phone, direction: str) -> bool:
        """Moves the visible window; returns whether anything moved."""
        if not self.scrollable or direction not in ("up", "down"):
            return False
        total = len(self.content(phone))
        before = self.offset
        step = ROWS_PER_PAGE - 1  # one row of overlap, as on a real list
        self.offset = max(0, min(self.offset + (step if direction == "down" else -step), max(0, total - ROWS_PER_PAGE)))
        return self.offset != before

    def on_enter(self, phone: Phone) -> None:
        """What the keyboard's enter key does here (nothing by default)."""

    def describe(self, phone: Phone) -> str:
        return f"{self.app}: {self.title(phone)}"


class ListScreen(Screen):
    """A scrollable list with fixed buttons above it."""

    scrollable = True

    def __init__(
        self, app: str, title: str, rows: Callable[[Phone], list[Widget]], buttons: list[Widget] | None = None
    ) -> None:
        super().__init__()
        self.app, self._title, self._rows, self.buttons = app, title, rows, buttons or []

    def title(self, phone: Phone) -> str:
        return self._title

    def header(self, phone: Phone) -> list[Widget]:
        return super().header(phone) + self.buttons

    def content(self, phone: Phone) -> list[Widget]:
        rows = self._rows(phone)
        return rows or [Widget("Nothing here yet")]


@dataclass
class FormField:
    """A form value: typed into an EditText, or picked from ``choices`` in a dialog."""

    key: str
    hint: str
    value: str = ""
    choices: tuple[str, ...] = ()


class FormScreen(Screen):
    """Editable fields and a submit button. ``submit`` returns an error message (shown on the form) or
    ``None`` on success, which closes the form."""

    def __init__(
        self,
        app: str,
        title: str,
        fields: list[FormField],
        submit_label: str,
        submit: Callable[[Phone, dict[str, str]], str | None],
    ) -> None:
        super().__init__()
        self.app, self._title, self.fields = app, title, fields
        self.submit_label, self._submit = submit_label, submit
        self.error: str | None = None

    def title(self, phone: Phone) -> str:
        return self._title

    def values(self) -> dict[str, str]:
        return {f.key: f.value for f in self.fields}

    def set_value(self, key: str, text: str, *, clear: bool) -> None:
        for f in self.fields:
            if f.key == key:
                f.value = text if clear else f.value + text

    def content(self, phone: Phone) -> list[Widget]:
        widgets = [
            self._choice_button(f) if f.choices else Widget(f.value, kind="EditText", field=f.key, hint=f.hint)
            for f in self.fields
        ]
        if self.error:
            widgets.append(Widget(f"Error: {self.error}"))
        widgets.append(Widget(self.submit_label, kind="Button", on_click=self._do_submit))
        widgets.append(Widget("Cancel", kind="Button", on_click=lambda phone: phone.back()))
        return widgets

    def on_enter(self, phone: Phone) -> None:
        self._do_submit(phone)

    def _choice_button(self, form_field: FormField) -> Widget:
        def choose(phone: Phone) -> None:
            phone.push(
                Dialog(
                    self.app,
                    f"Choose {form_field.hint.lower()}",
                    [(c, _setter(form_field, c)) for c in form_field.choices],
                )
            )

        return Widget(f"{form_field.hint}: {form_field.value}", kind="Button", on_click=choose)

    def _do_submit(self, phone: Phone) -> None:
        self.error = self._submit(phone, self.values())
        if self.error is None and phone.top is self:
            phone.back()


class DetailScreen(Screen):
    """Read-only lines and action buttons."""

    def __init__(
        self, app: str, title: Callable[[Phone], str], lines: Callable[[Phone], list[str]], buttons: list[Widget]
    ) -> None:
        super().__init__()
        self.app, self._title, self._lines, self.buttons = app, title, lines, buttons

    def title(self, phone: Phone) -> str:
        return self._title(phone)

    def content(self, phone: Phone) -> list[Widget]:
        return [Widget(line) for line in self._lines(phone)] + self.buttons


class Dialog(Screen):
    """A modal question; answering it closes the dialog first, then runs the choice."""

    def __init__(self, app: str, message: str, choices: list[tuple[str, Action | None]]) -> None:
        super().__init__()
        self.app, self.message, self.choices = app, message, choices

    def title(self, phone: Phone) -> str:
        return self.message

    def content(self, phone: Phone) -> list[Widget]:
        return [Widget(label, kind="Button", on_click=_close_then(action)) for label, action in self.choices]


def _setter(form_field: FormField, value: str) -> Action:
    def set_value(phone: Phone) -> None:
        form_field.value = value

    return set_value


def _close_then(action: Action | None) -> Action:
    def run(phone: Phone) -> None:
        phone.back()
        if action is not None:
            action(phone)

    return run


@dataclass
class Toggle:
    label: str
    key: str


class ToggleScreen(Screen):
    """Switches bound to boolean settings, plus optional links to sub-screens."""

    def __init__(
        self, app: str, title: str, toggles: list[Toggle], links: list[tuple[str, Callable[[], Screen]]] | None = None
    ) -> None:
        super().__init__()
        self.app, self._title, self.toggles, self.links = app, title, toggles, links or []

    def title(self, phone: Phone) -> str:
        return self._title

    def content(self, phone: Phone) -> list[Widget]:
        settings: dict[str, Any] = phone.data.settings
        widgets = [
            Widget(t.label, kind="Switch", checkable=True, checked=bool(settings[t.key]), on_click=_toggle(t.key))
            for t in self.toggles
        ]
        widgets += [Widget(label, kind="TextView", on_click=_opener(make)) for label, make in self.links]
        return widgets


def _toggle(key: str) -> Action:
    def flip(phone: Phone) -> None:
        phone.data.settings[key] = not phone.data.settings[key]

    return flip


def _opener(make: Callable[[], Screen]) -> Action:
    return lambda phone: phone.push(make())
