"""The eight apps of the simulated phone, and the launcher (home screen and app drawer).

Each app is a main screen built from the generic screens; every action a task needs is reachable by
tapping, typing and scrolling, as on a real phone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from actionspace.envs.gui.simphone.data import EXPENSE_CATEGORIES, Alarm, Contact, Event, Expense, Message, Note, digits
from actionspace.envs.gui.simphone.screens import (
    DetailScreen,
    Dialog,
    FormField,
    FormScreen,
    ListScreen,
    Screen,
    Toggle,
    ToggleScreen,
    Widget,
)

if TYPE_CHECKING:
    from actionspace.envs.gui.simphone.phone import Phone

MAX_BRIGHTNESS = 10


def button(label: str, on_click: Callable[[Phone], None]) -> Widget:
    return Widget(label, kind="Button", on_click=on_click)


def opens(make: Callable[[], Screen]) -> Callable[[Phone], None]:
    return lambda phone: phone.push(make())


def launch(app: str) -> Callable[[Phone], None]:
    def open_it(phone: Phone) -> None:
        phone.open_app(app)

    return open_it


def confirm(app: str, message: str, action: Callable[[Phone], None]) -> Callable[[Phone], None]:
    """Opens a Delete/Cancel dialog whose Delete runs ``action``."""
    return opens(lambda: Dialog(app, message, [("Delete", action), ("Cancel", None)]))


def then_back(action: Callable[[Phone], None]) -> Callable[[Phone], None]:
    """Runs ``action`` then closes the current screen (a detail page whose record was deleted)."""

    def run(phone: Phone) -> None:
        action(phone)
        phone.back()

    return run


def record_form(
    app: str,
    noun: str,
    existing: Any,
    fields: list[tuple[str, str]],
    validate: Callable[[Phone, dict[str, str]], str | None],
    records: Callable[[Phone], list[Any]],
    make: Callable[[dict[str, str]], Any],
) -> Screen:
    """A New/Edit form for one record; each field key is the record's attribute of that name."""

    def save(phone: Phone, values: dict[str, str]) -> str | None:
        values = {key: value.strip() for key, value in values.items()}
        error = validate(phone, values)
        if error is not None:
            return error
        if existing is None:
            records(phone).append(make(values))
        else:
            for key, value in values.items():
                setattr(existing, key, value)
        return None

    form_fields = [FormField(key, hint, getattr(existing, key) if existing else "") for key, hint in fields]
    return FormScreen(app, f"Edit {noun}" if existing else f"New {noun}", form_fields, "Save", save)


# ------------------------------------------------------------------------------------------------
# Contacts
def contacts_main() -> Screen:
    return ListScreen(
        "Contacts",
        "Contacts",
        lambda phone: [
            Widget(c.name, on_click=opens(partial(contact_detail, c)))
            for c in sorted(phone.data.contacts, key=lambda c: c.name)
        ],
        [button("Add contact", opens(lambda: contact_form(None)))],
    )


def contact_form(existing: Contact | None) -> Screen:
    def validate(phone: Phone, values: dict[str, str]) -> str | None:
        if not values["name"]:
            return "name is empty"
        if len(digits(values["phone"])) < 3 or re.search(r"[^\d\s+()-]", values["phone"]):
            return "phone number must be digits"
        other = phone.data.contact(values["name"])
        if other is not None and other is not existing:
            return f"{values['name']} already exists"
        return None

    return record_form(
        "Contacts",
        "contact",
        existing,
        [("name", "Name"), ("phone", "Phone")],
        validate,
        lambda phone: phone.data.contacts,
        lambda v: Contact(v["name"], v["phone"]),
    )


def contact_detail(contact: Contact) -> Screen:
    return DetailScreen(
        "Contacts",
        lambda phone: contact.name,
        lambda phone: [f"Phone: {contact.phone}"],
        [
            button("Edit", opens(lambda: contact_form(contact))),
            button("Send message", opens(lambda: message_form(contact.name))),
            button(
                "Delete",
                confirm(
                    "Contacts", f"Delete {contact.name}?", then_back(lambda phone: phone.data.contacts.remove(contact))
                ),
            ),
        ],
    )


# ------------------------------------------------------------------------------------------------
# Messages
def messages_main() -> Screen:
    def rows(phone: Phone) -> list[Widget]:
        latest: dict[str, Message] = {}
        for message in phone.data.messages:
            latest[message.contact] = message
        return [
            Widget(
                f"{name}: {m.text}",
                on_click=opens(partial(conversation, name)),
                on_long_press=confirm(
                    "Messages",
                    f"Delete conversation with {name}?",
                    partial(_delete_conversation, name=name),
                ),
            )
            for name, m in sorted(latest.items())
        ]

    return ListScreen("Messages", "Messages", rows, [button("New message", opens(lambda: message_form("")))])


def _delete_conversation(phone: Phone, name: str) -> None:
    phone.data.messages[:] = [m for m in phone.data.messages if m.contact != name]


def message_form(recipient: str) -> Screen:
    def send(phone: Phone, values: dict[str, str]) -> str | None:
        contact = phone.data.contact(values["to"])
        if contact is None:
            return f"no contact named {values['to'].strip()!r}"
        if not values["text"].strip():
            return "message is empty"
        phone.data.messages.append(Message(contact.name, values["text"].strip(), outgoing=True))
        return None

    return FormScreen(
        "Messages", "New message", [FormField("to", "To", recipient), FormField("text", "Message")], "Send", send
    )


def conversation(name: str) -> Screen:
    def lines(phone: Phone) -> list[str]:
        return [("Me: " if m.outgoing else f"{name}: ") + m.text for m in phone.data.messages if m.contact == name]

    return DetailScreen("Messages", lambda phone: name, lines, [button("Reply", opens(lambda: message_form(name)))])


# ------------------------------------------------------------------------------------------------
# Clock
def clock_main() -> Screen:
    def label(alarm: Alarm) -> str:
        return " ".join(part for part in (alarm.time, alarm.label, "on" if alarm.enabled else "off") if part)

    return ListScreen(
        "Clock",
        "Alarms",
        lambda phone: [
            Widget(label(a), on_click=opens(partial(alarm_detail, a)))
            for a in sorted(phone.data.alarms, key=lambda a: (a.hour, a.minute))
        ],
        [button("Add alarm", opens(alarm_form))],
    )


def alarm_form() -> Screen:
    def save(phone: Phone, values: dict[str, str]) -> str | None:
        hour, minute = values["hour"].strip(), values["minute"].strip()
        if not (hour.isdigit() and 0 <= int(hour) <= 23):
            return "hour must be 0-23"
        if not (minute.isdigit() and 0 <= int(minute) <= 59):
            return "minute must be 0-59"
        phone.data.alarms.append(Alarm(int(hour), int(minute), values["label"].strip()))
        return None

    return FormScreen(
        "Clock",
        "New alarm",
        [FormField("hour", "Hour"), FormField("minute", "Minute"), FormField("label", "Label")],
        "Save",
        save,
    )


def alarm_detail(alarm: Alarm) -> Screen:
    def flip(phone: Phone) -> None:
        alarm.enabled = not alarm.enabled

    class AlarmDetail(DetailScreen):
        def content(self, phone: Phone) -> list[Widget]:
            switch = Widget("Enabled", kind="Switch", checkable=True, checked=alarm.enabled, on_click=flip)
            return [Widget(f"Label: {alarm.label or '(none)'}"), switch] + self.buttons

    return AlarmDetail(
        "Clock",
        lambda phone: f"Alarm {alarm.time}",
        lambda phone: [],
        [
            button(
                "Delete",
                confirm(
                    "Clock", f"Delete alarm {alarm.time}?", then_back(lambda phone: phone.data.alarms.remove(alarm))
                ),
            )
        ],
    )


# ------------------------------------------------------------------------------------------------
# Calendar
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def calendar_main() -> Screen:
    return ListScreen(
        "Calendar",
        "Events",
        lambda phone: [
            Widget(f"{e.date} {e.title}", on_click=opens(partial(event_detail, e)))
            for e in sorted(phone.data.events, key=lambda e: (e.date, e.title))
        ],
        [button("Add event", opens(lambda: event_form(None)))],
    )


def event_form(existing: Event | None) -> Screen:
    def validate(phone: Phone, values: dict[str, str]) -> str | None:
        if not values["title"]:
            return "title is empty"
        return None if DATE.fullmatch(values["date"]) else "date must be YYYY-MM-DD"

    return record_form(
        "Calendar",
        "event",
        existing,
        [("title", "Title"), ("date", "Date (YYYY-MM-DD)")],
        validate,
        lambda phone: phone.data.events,
        lambda v: Event(v["title"], v["date"]),
    )


def event_detail(event: Event) -> Screen:
    return DetailScreen(
        "Calendar",
        lambda phone: event.title,
        lambda phone: [f"Date: {event.date}"],
        [
            button("Edit", opens(lambda: event_form(event))),
            button(
                "Delete",
                confirm("Calendar", f"Delete {event.title}?", then_back(lambda phone: phone.data.events.remove(event))),
            ),
        ],
    )


# ------------------------------------------------------------------------------------------------
# Settings
def settings_main() -> Screen:
    toggles = [
        Toggle("Wi-Fi", "wifi"),
        Toggle("Bluetooth", "bluetooth"),
        Toggle("Airplane mode", "airplane_mode"),
        Toggle("Dark mode", "dark_mode"),
    ]
    return ToggleScreen("Settings", "Settings", toggles, [("Display", brightness_screen)])


def brightness_screen() -> Screen:
    def change(delta: int) -> Callable[[Phone], None]:
        def apply(phone: Phone) -> None:
            level = phone.data.settings["brightness"] + delta
            phone.data.settings["brightness"] = max(0, min(MAX_BRIGHTNESS, level))

        return apply

    return DetailScreen(
        "Settings",
        lambda phone: "Display",
        lambda phone: [f"Brightness: {phone.data.settings['brightness']}"],
        [button("Decrease brightness", change(-1)), button("Increase brightness", change(+1))],
    )


# ------------------------------------------------------------------------------------------------
# Notes
def notes_main() -> Screen:
    return ListScreen(
        "Notes",
        "Notes",
        lambda phone: [Widget(n.title, on_click=opens(partial(note_detail, n))) for n in phone.data.notes],
        [button("New note", opens(lambda: note_form(None)))],
    )


def note_form(existing: Note | None) -> Screen:
    def validate(phone: Phone, values: dict[str, str]) -> str | None:
        return None if values["title"] else "title is empty"

    return record_form(
        "Notes",
        "note",
        existing,
        [("title", "Title"), ("body", "Body")],
        validate,
        lambda phone: phone.data.notes,
        lambda v: Note(v["title"], v["body"]),
    )


def note_detail(note: Note) -> Screen:
    return DetailScreen(
        "Notes",
        lambda phone: note.title,
        lambda phone: [note.body or "(empty)"],
        [
            button("Edit", opens(lambda: note_form(note))),
            button(
                "Delete",
                confirm("Notes", f"Delete {note.title}?", then_back(lambda phone: phone.data.notes.remove(note))),
            ),
        ],
    )


# ------------------------------------------------------------------------------------------------
# Expenses
AMOUNT = re.compile(r"\d+(\.\d{1,2})?")


def expenses_main() -> Screen:
    def rows(phone: Phone) -> list[Widget]:
        return [
            Widget(f"{e.name} ${e.amount:.2f} {e.category}", on_click=opens(partial(expense_detail, e)))
            for e in phone.data.expenses
        ]

    class ExpenseList(ListScreen):
        def header(self, phone: Phone) -> list[Widget]:
            total = sum(e.amount for e in phone.data.expenses)
            return super().header(phone) + [Widget(f"Total: ${total:.2f}")]

    return ExpenseList("Expenses", "Expenses", rows, [button("Add expense", opens(expense_form))])


def expense_form() -> Screen:
    def save(phone: Phone, values: dict[str, str]) -> str | None:
        if not values["name"].strip():
            return "name is empty"
        if not AMOUNT.fullmatch(values["amount"].strip().lstrip("$")):
            return "amount must be a number like 12.50"
        phone.data.expenses.append(
            Expense(values["name"].strip(), float(values["amount"].strip().lstrip("$")), values["category"])
        )
        return None

    fields = [
        FormField("name", "Name"),
        FormField("amount", "Amount"),
        FormField("category", "Category", "Other", choices=tuple(EXPENSE_CATEGORIES)),
    ]
    return FormScreen("Expenses", "New expense", fields, "Save", save)


def expense_detail(expense: Expense) -> Screen:
    return DetailScreen(
        "Expenses",
        lambda phone: expense.name,
        lambda phone: [f"Amount: ${expense.amount:.2f}", f"Category: {expense.category}"],
        [
            button(
                "Delete",
                confirm(
                    "Expenses", f"Delete {expense.name}?", then_back(lambda phone: phone.data.expenses.remove(expense))
                ),
            )
        ],
    )


# ------------------------------------------------------------------------------------------------
# Files
def files_main() -> Screen:
    return ListScreen(
        "Files",
        "Files",
        lambda phone: [
            Widget(f"{name} ({len(files)})", on_click=opens(partial(folder_screen, name)))
            for name, files in sorted(phone.data.folders.items())
        ],
        [button("New folder", opens(folder_form))],
    )


def folder_form() -> Screen:
    def save(phone: Phone, values: dict[str, str]) -> str | None:
        name = values["name"].strip()
        if not name or "/" in name:
            return "folder name is empty or has '/'"
        if name in phone.data.folders:
            return f"{name} already exists"
        phone.data.folders[name] = []
        return None

    return FormScreen("Files", "New folder", [FormField("name", "Folder name")], "Create", save)


def folder_screen(folder: str) -> Screen:
    def rows(phone: Phone) -> list[Widget]:
        return [
            Widget(
                f,
                on_click=opens(partial(file_detail, folder, f)),
                on_long_press=confirm("Files", f"Delete {f}?", partial(_delete_file, folder=folder, name=f)),
            )
            for f in phone.data.folders.get(folder, [])
        ]

    return ListScreen("Files", folder, rows)


def _delete_file(phone: Phone, folder: str, name: str) -> None:
    if name in phone.data.folders.get(folder, []):
        phone.data.folders[folder].remove(name)


def file_detail(folder: str, name: str) -> Screen:
    def rename(phone: Phone, values: dict[str, str]) -> str | None:
        new = values["name"].strip()
        files = phone.data.folders[folder]
        if not new or "/" in new:
            return "file name is empty or has '/'"
        if new in files:
            return f"{new} already exists"
        files[files.index(name)] = new
        phone.back()  # the form,
        phone.back()  # and the detail page of a name that no longer exists
        return None

    return DetailScreen(
        "Files",
        lambda phone: name,
        lambda phone: [f"Folder: {folder}"],
        [
            button(
                "Rename",
                opens(
                    lambda: FormScreen("Files", "Rename file", [FormField("name", "New name", name)], "Rename", rename)
                ),
            ),
            button(
                "Delete",
                confirm("Files", f"Delete {name}?", then_back(lambda phone: _delete_file(phone, folder, name))),
            ),
        ],
    )


# ------------------------------------------------------------------------------------------------
APPS: dict[str, Callable[[], Screen]] = {
    "Contacts": contacts_main,
    "Messages": messages_main,
    "Clock": clock_main,
    "Calendar": calendar_main,
    "Settings": settings_main,
    "Notes": notes_main,
    "Expenses": expenses_main,
    "Files": files_main,
}
DOCK = ("Messages", "Contacts", "Clock", "Settings")


def home_screen() -> Screen:
    class Home(Screen):
        name, app = "Home", "Launcher"

        def content(self, phone: Phone) -> list[Widget]:
            return [Widget(a, kind="ImageButton", description=f"{a} app", on_click=launch(a)) for a in DOCK] + [
                button("All apps", opens(app_drawer))
            ]

    return Home()


def app_drawer() -> Screen:
    return ListScreen(
        "Launcher",
        "All apps",
        lambda phone: [Widget(a, kind="ImageButton", on_click=launch(a)) for a in sorted(APPS)],
    )
