"""`Phone`: the simulated device. It renders the top screen to UIElements and applies JSONActions.

Indices in actions refer to the elements of the most recent observation, as in AndroidWorld.
"""

from __future__ import annotations

from actionspace.envs.gui.schema import JSONAction, UIElement
from actionspace.envs.gui.simphone.apps import APPS, home_screen
from actionspace.envs.gui.simphone.data import PhoneData
from actionspace.envs.gui.simphone.screens import SCREEN_HEIGHT, SCREEN_WIDTH, FormScreen, Screen, Widget


class Phone:
    def __init__(self, data: PhoneData) -> None:
        self.data = data
        self.stack: list[Screen] = [home_screen()]
        self.answer: str | None = None
        self._widgets: list[Widget] = []
        self._elements: list[UIElement] = []
        self.focused: tuple[Screen, str] | None = None

    # Navigation ------------------------------------------------------------------------------------
    @property
    def top(self) -> Screen:
        return self.stack[-1]

    def push(self, screen: Screen) -> None:
        self.stack.append(screen)

    def back(self) -> None:
        if len(self.stack) > 1:
            self.stack.pop()

    def home(self) -> None:
        del self.stack[1:]

    def open_app(self, name: str) -> bool:
        match = next((app for app in APPS if app.lower() == name.strip().lower()), None)
        if match is None:
            return False
        self.home()
        self.push(APPS[match]())
        return True

    # Observation -----------------------------------------------------------------------------------
    def observe(self) -> tuple[str, list[UIElement]]:
        """The current screen's description and elements; actions' indices refer to this list."""
        screen = self.top
        self._widgets = screen.widgets(self)
        self._elements = [w.element(row, screen.app) for row, w in enumerate(self._widgets)]
        if self.focused is not None:
            focused_screen, key = self.focused
            for widget, element in zip(self._widgets, self._elements, strict=True):
                element.is_focused = focused_screen is screen and widget.field == key
        return screen.describe(self), list(self._elements)

    # Actions ---------------------------------------------------------------------------------------
    def apply(self, action: JSONAction) -> str | None:
        """Applies a validated action; returns why it is invalid here (out-of-range index, unknown app,
        nothing to type into), or ``None``. Tapping something inert is valid and does nothing."""
        if not self._widgets:
            self.observe()
        kind = action.action_type
        if kind in ("click", "double_tap", "long_press"):
            target = self._target(action)
            if isinstance(target, str):
                return target
            if target is None:
                return None  # a tap on empty space
            if target.field is not None:
                self.focused = (self.top, target.field)
            handler = target.on_long_press if kind == "long_press" else target.on_click
            if handler is not None:
                handler(self)
            return None
        if kind == "input_text":
            return self._type(action)
        if kind == "keyboard_enter":
            self.top.on_enter(self)
            return None
        if kind == "navigate_home":
            self.home()
            return None
        if kind == "navigate_back":
            self.back()
            return None
        if kind == "open_app":
            return None if self.open_app(action.app_name or "") else f"no app named {action.app_name!r}"
        if kind in ("scroll", "swipe"):
            direction = action.direction or "down"
            if kind == "swipe":  # a swipe up moves the content up: it shows what is below
                direction = {"up": "down", "down": "up"}.get(direction, direction)
            self.top.scroll(self, direction)
            return None
        if kind == "answer":
            self.answer = action.text
            return None
        if kind in ("wait", "status"):
            return None
        return f"{kind} is not an action the phone can perform"

    def _target(self, action: JSONAction) -> Widget | str | None:
        if action.index is not None:
            if not 0 <= action.index < len(self._widgets):
                return f"index {action.index} is out of range (0-{len(self._widgets) - 1})"
            return self._widgets[action.index]
        assert action.x is not None and action.y is not None  # guaranteed by the parser
        if not (0 <= action.x < SCREEN_WIDTH and 0 <= action.y < SCREEN_HEIGHT):
            return f"point ({action.x}, {action.y}) is off the screen"
        for widget, element in zip(self._widgets, self._elements, strict=True):
            x0, y0, x1, y1 = element.bbox or (0, 0, 0, 0)
            if x0 <= action.x < x1 and y0 <= action.y < y1:
                return widget
        return None

    def _type(self, action: JSONAction) -> str | None:
        screen = self.top
        if action.index is not None or action.x is not None:
            target = self._target(action)
            if isinstance(target, str):
                return target
            if target is None or target.field is None:
                return "input_text target is not an editable field"
            key = target.field
        elif self.focused is not None and self.focused[0] is screen:
            key = self.focused[1]
        else:
            return "input_text needs an index: no field is focused"
        if not isinstance(screen, FormScreen):
            return "input_text target is not an editable field"
        screen.set_value(key, action.text or "", clear=bool(action.clear_text))
        self.focused = (screen, key)
        return None
