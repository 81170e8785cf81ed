"""Task templates in AndroidWorld's task API, judged from app state only.

Each template has a goal ``template``, a ``complexity`` (roughly the oracle's number of steps / 2, as
AndroidWorld scales it), ``generate_random_params``, ``initialize_task`` (make the phone satisfy the
task's preconditions), ``is_successful`` (1.0 or 0.0, from the phone's data, never from the actions
taken) and ``tear_down``. ``oracle_plan`` gives the UI-level plan the oracle follows.
"""

from __future__ import annotations

import hashlib
import json
import random
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Literal

from actionspace.envs.gui.schema import JSONAction
from actionspace.envs.gui.simphone.data import (
    EXPENSE_CATEGORIES,
    FIRST_NAMES,
    FOLDERS,
    LAST_NAMES,
    WORDS,
    Alarm,
    Contact,
    Event,
    Expense,
    Message,
    Note,
    digits,
    random_date,
    random_phone,
)
from actionspace.envs.gui.simphone.oracle import (
    Adjust,
    Do,
    Intent,
    Read,
    Recall,
    SetSwitch,
    Tap,
    Type,
    finish,
    open_app,
)
from actionspace.envs.gui.simphone.phone import Phone

Split = Literal["train", "test"]
TEST_PARAMS_MOD = 5  # one parameter set in five belongs to the test split


class Task(ABC):
    """Base of all templates; a task instance is a template plus its parameters."""

    template: ClassVar[str]
    complexity: ClassVar[float]
    app_names: ClassVar[tuple[str, ...]]

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params

    @property
    def name(self) -> str:
        return type(self).__name__

    @property
    def goal(self) -> str:
        return self.template.format(**self.params)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {}

    def initialize_task(self, phone: Phone) -> None:
        """Makes the phone satisfy the task's preconditions (the thing to delete exists, and so on)."""

    @abstractmethod
    def is_successful(self, phone: Phone) -> float:
        """1.0 when the phone's data shows the goal achieved, else 0.0."""

    def tear_down(self, phone: Phone) -> None:
        """Nothing persists between episodes: each reset builds a new phone."""

    @abstractmethod
    def oracle_plan(self) -> list[Intent]:
        """The UI-level plan the oracle follows."""

    def __repr__(self) -> str:
        return f"{self.name}({self.params})"


TASKS: dict[str, type[Task]] = {}


def register(cls: type[Task]) -> type[Task]:
    TASKS[cls.__name__] = cls
    return cls


def params_split(template: str, params: dict[str, Any]) -> Split:
    key = json.dumps([template, params], sort_keys=True)
    return "test" if int(hashlib.sha256(key.encode()).hexdigest(), 16) % TEST_PARAMS_MOD == 0 else "train"


def sample_task(template: str, rng: random.Random, split: Split | None = None) -> Task:
    """A task of ``template`` whose parameters fall in ``split`` (``None``: any)."""
    cls = TASKS[template]
    for _ in range(10_000):
        params = cls.generate_random_params(rng)
        # A template without parameters has nothing to hold out: it belongs to both splits.
        if split is None or not params or params_split(template, params) == split:
            return cls(params)
    raise RuntimeError(f"{template}: no parameters in the {split} split after 10,000 draws")


# Helpers for parameters ----------------------------------------------------------------------------
def new_name(rng: random.Random) -> str:
    # Middle initials keep task contacts distinct from the generated address book.
    return f"{rng.choice(FIRST_NAMES)} {rng.choice('BCDFGHJKLMNPRSTVW')}. {rng.choice(LAST_NAMES)}"


def phrase(rng: random.Random, words: int = 3) -> str:
    return " ".join(rng.sample(WORDS, words)).capitalize()


def hour_minute(rng: random.Random) -> tuple[int, int]:
    return rng.randrange(24), rng.choice(range(0, 60, 5))


def ensure_contact(phone: Phone, name: str, number: str) -> Contact:
    contact = phone.data.contact(name)
    if contact is None:
        contact = Contact(name, number)
        phone.data.contacts.append(contact)
    return contact


def has_contact(phone: Phone, name: str, number: str) -> bool:
    contact = phone.data.contact(name)
    return contact is not None and digits(contact.phone) == digits(number)


def sent_message(phone: Phone, name: str, text: str) -> bool:
    return any(m.outgoing and m.contact == name and same_text(m.text, text) for m in phone.data.messages)


def has_event(phone: Phone, title: str, date: str) -> bool:
    return any(same_text(e.title, title) and e.date == date for e in phone.data.events)


def same_text(a: str | None, b: str) -> bool:
    return (a or "").strip().lower() == b.strip().lower()


# Settings ------------------------------------------------------------------------------------------
class _Switch(Task):
    key: ClassVar[str]
    label: ClassVar[str]
    on: ClassVar[bool]
    complexity = 1.5
    app_names: ClassVar[tuple[str, ...]] = ("Settings",)

    def initialize_task(self, phone: Phone) -> None:
        phone.data.settings[self.key] = not self.on

    def is_successful(self, phone: Phone) -> float:
        return float(phone.data.settings[self.key] == self.on)

    def oracle_plan(self) -> list[Intent]:
        return [open_app("Settings"), SetSwitch(self.label, self.on), finish()]


@register
class WifiOn(_Switch):
    template, key, label, on = "Turn on Wi-Fi.", "wifi", "Wi-Fi", True


@register
class WifiOff(_Switch):
    template, key, label, on = "Turn off Wi-Fi.", "wifi", "Wi-Fi", False


@register
class BluetoothOn(_Switch):
    template, key, label, on = "Turn on Bluetooth.", "bluetooth", "Bluetooth", True


@register
class BluetoothOff(_Switch):
    template, key, label, on = "Turn off Bluetooth.", "bluetooth", "Bluetooth", False


@register
class DarkModeOn(_Switch):
    template, key, label, on = "Turn on dark mode.", "dark_mode", "Dark mode", True


@register
class AirplaneModeOn(_Switch):
    template, key, label, on = "Turn on airplane mode.", "airplane_mode", "Airplane mode", True


@register
class WifiOffBluetoothOn(Task):
    template = "Turn off Wi-Fi and turn on Bluetooth."
    complexity = 2.0
    app_names: ClassVar[tuple[str, ...]] = ("Settings",)

    def initialize_task(self, phone: Phone) -> None:
        phone.data.settings.update(wifi=True, bluetooth=False)

    def is_successful(self, phone: Phone) -> float:
        return float(not phone.data.settings["wifi"] and phone.data.settings["bluetooth"])

    def oracle_plan(self) -> list[Intent]:
        return [open_app("Settings"), SetSwitch("Wi-Fi", False), SetSwitch("Bluetooth", True), finish()]


@register
class SetBrightness(Task):
    template = "Set the screen brightness to {level}."
    complexity = 5.0
    app_names: ClassVar[tuple[str, ...]] = ("Settings",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"level": rng.randint(0, 10)}

    def initialize_task(self, phone: Phone) -> None:
        level = self.params["level"]
        # Start far from the target so that the task takes several taps (up to 13 steps).
        phone.data.settings["brightness"] = 10 - level if abs(10 - 2 * level) > 2 else (level + 5) % 11

    def is_successful(self, phone: Phone) -> float:
        return float(phone.data.settings["brightness"] == self.params["level"])

    def oracle_plan(self) -> list[Intent]:
        return [
            open_app("Settings"),
            Tap("Display"),
            Adjust("Brightness:", self.params["level"], "Increase brightness", "Decrease brightness"),
            finish(),
        ]


@register
class DarkModeAndBrightness(SetBrightness):
    template = "Turn on dark mode and set the brightness to {level}."
    complexity = 6.0

    def initialize_task(self, phone: Phone) -> None:
        super().initialize_task(phone)
        phone.data.settings["dark_mode"] = False

    def is_successful(self, phone: Phone) -> float:
        return float(super().is_successful(phone) and phone.data.settings["dark_mode"])

    def oracle_plan(self) -> list[Intent]:
        plan: list[Intent] = [open_app("Settings"), SetSwitch("Dark mode", True)]
        return plan + super().oracle_plan()[1:]


# Contacts ------------------------------------------------------------------------------------------
@register
class AddContact(Task):
    template = "Add a contact named {name} with phone number {phone}."
    complexity = 3.0
    app_names: ClassVar[tuple[str, ...]] = ("Contacts",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"name": new_name(rng), "phone": random_phone(rng)}

    def is_successful(self, phone: Phone) -> float:
        return float(has_contact(phone, self.params["name"], self.params["phone"]))

    def oracle_plan(self) -> list[Intent]:
        return [
            open_app("Contacts"),
            Tap("Add contact"),
            Type("Name", self.params["name"]),
            Type("Phone", self.params["phone"]),
            Tap("Save"),
            finish(),
        ]


class _ExistingContact(Task):
    app_names: ClassVar[tuple[str, ...]] = ("Contacts",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"name": new_name(rng), "old_phone": random_phone(rng)}

    def initialize_task(self, phone: Phone) -> None:
        ensure_contact(phone, self.params["name"], self.params["old_phone"])


@register
class DeleteContact(_ExistingContact):
    template = "Delete the contact {name}."
    complexity = 2.5

    def initialize_task(self, phone: Phone) -> None:
        super().initialize_task(phone)
        self.count = len(phone.data.contacts)

    def is_successful(self, phone: Phone) -> float:
        return float(phone.data.contact(self.params["name"]) is None and len(phone.data.contacts) == self.count - 1)

    def oracle_plan(self) -> list[Intent]:
        return [open_app("Contacts"), Tap(self.params["name"]), Tap("Delete"), Tap("Delete"), finish()]


@register
class UpdateContactPhone(_ExistingContact):
    template = "Change the phone number of {name} to {phone}."
    complexity = 3.0

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return super().generate_random_params(rng) | {"phone": random_phone(rng)}

    def is_successful(self, phone: Phone) -> float:
        contact = phone.data.contact(self.params["name"])
        return float(contact is not None and digits(contact.phone) == digits(self.params["phone"]))

    def oracle_plan(self) -> list[Intent]:
        return [
            open_app("Contacts"),
            Tap(self.params["name"]),
            Tap("Edit"),
            Type("Phone", self.params["phone"]),
            Tap("Save"),
            finish(),
        ]


@register
class AnswerContactPhone(_ExistingContact):
    template = "What is the phone number of {name}? Answer with the number."
    complexity = 2.0

    def is_successful(self, phone: Phone) -> float:
        return float(phone.answer is not None and digits(phone.answer) == digits(self.params["old_phone"]))

    def oracle_plan(self) -> list[Intent]:
        return [
            open_app("Contacts"),
            Tap(self.params["name"]),
            Read("Phone:", "phone"),
            Do(JSONAction("answer", text="$phone")),
            finish(),
        ]


# Messages ------------------------------------------------------------------------------------------
class _MessageTask(_ExistingContact):
    app_names: ClassVar[tuple[str, ...]] = ("Messages",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return super().generate_random_params(rng) | {"text": phrase(rng)}

    def is_successful(self, phone: Phone) -> float:
        return float(sent_message(phone, self.params["name"], self.params["text"]))


@register
class SendMessage(_MessageTask):
    template = 'Send a message saying "{text}" to {name}.'
    complexity = 3.0

    def oracle_plan(self) -> list[Intent]:
        return [
            open_app("Messages"),
            Tap("New message"),
            Type("To", self.params["name"]),
            Type("Message", self.params["text"]),
            Tap("Send"),
            finish(),
        ]


@register
class MessageFromContactCard(_MessageTask):
    template = 'Open the contact card of {name} and send them "{text}".'
    complexity = 3.0
    app_names: ClassVar[tuple[str, ...]] = ("Contacts", "Messages")

    def oracle_plan(self) -> list[Intent]:
        return [
            open_app("Contacts"),
            Tap(self.params["name"]),
            Tap("Send message"),
            Type("Message", self.params["text"]),
            Tap("Send"),
            finish(),
        ]


@register
class ReplyToConversation(_MessageTask):
    template = 'Reply "{text}" in your conversation with {name}.'
    complexity = 3.0

    def initialize_task(self, phone: Phone) -> None:
        super().initialize_task(phone)
        phone.data.messages.append(Message(self.params["name"], "Are you free later?", outgoing=False))

    def oracle_plan(self) -> list[Intent]:
        return [
            open_app("Messages"),
            Tap(f"{self.params['name']}:", "prefix"),
            Tap("Reply"),
            Type("Message", self.params["text"]),
            Tap("Send"),
            finish(),
        ]


@register
class DeleteConversation(_MessageTask):
    template = "Delete the conversation with {name}."
    complexity = 2.0

    def initialize_task(self, phone: Phone) -> None:
        super().initialize_task(phone)
        phone.data.messages.append(Message(self.params["name"], "Call me back", outgoing=False))

    def is_successful(self, phone: Phone) -> float:
        return float(
            all(m.contact != self.params["name"] for m in phone.data.messages) and len(phone.data.messages) > 0
        )

    def oracle_plan(self) -> list[Intent]:
        return [open_app("Messages"), Tap(f"{self.params['name']}:", "prefix", long=True), Tap("Delete"), finish()]


# Clock ---------------------------------------------------------------------------------------------
class _AlarmTask(Task):
    app_names: ClassVar[tuple[str, ...]] = ("Clock",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        hour, minute = hour_minute(rng)
        return {"hour": hour, "minute": minute, "time": f"{hour:02d}:{minute:02d}"}

    def alarms(self, phone: Phone) -> list[Alarm]:
        return [a for a in phone.data.alarms if (a.hour, a.minute) == (self.params["hour"], self.params["minute"])]


@register
class CreateAlarm(_AlarmTask):
    template = "Set an alarm for {time}."
    complexity = 3.0

    def initialize_task(self, phone: Phone) -> None:
        phone.data.alarms[:] = [a for a in phone.data.alarms if a not in self.alarms(phone)]

    def is_successful(self, phone: Phone) -> float:
        return float(any(a.enabled for a in self.alarms(phone)))

    def oracle_plan(self) -> list[Intent]:
        return [
            open_app("Clock"),
            Tap("Add alarm"),
            Type("Hour", str(self.params["hour"])),
            Type("Minute", str(self.params["minute"])),
            Tap("Save"),
            finish(),
        ]


@register
class CreateLabeledAlarm(CreateAlarm):
    template = 'Set an alarm for {time} labelled "{label}".'
    complexity = 3.5

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return super().generate_random_params(rng) | {"label": rng.choice(WORDS).capitalize()}

    def is_successful(self, phone: Phone) -> float:
        return float(any(a.enabled and same_text(a.label, self.params["label"]) for a in self.alarms(phone)))

    def oracle_plan(self) -> list[Intent]:
        plan = super().oracle_plan()
        return plan[:4] + [Type("Label", self.params["label"])] + plan[4:]


class _ExistingAlarm(_AlarmTask):
    def initialize_task(self, phone: Phone) -> None:
        phone.data.alarms[:] = [a for a in phone.data.alarms if a not in self.alarms(phone)]
        phone.data.alarms.append(Alarm(self.params["hour"], self.params["minute"], "", enabled=True))
        self.count = len(phone.data.alarms)


@register
class DisableAlarm(_ExistingAlarm):
    template = "Turn off the {time} alarm."
    complexity = 1.5

    def is_successful(self, phone: Phone) -> float:
        alarms = self.alarms(phone)
        return float(len(alarms) == 1 and not alarms[0].enabled)

    def oracle_plan(self) -> list[Intent]:
        return [open_app("Clock"), Tap(self.params["time"], "prefix"), SetSwitch("Enabled", False), finish()]


@register
class DeleteAlarm(_ExistingAlarm):
    template = "Delete the {time} alarm."
    complexity = 2.0

    def is_successful(self, phone: Phone) -> float:
        return float(not self.alarms(phone) and len(phone.data.alarms) == self.count - 1)

    def oracle_plan(self) -> list[Intent]:
        return [open_app("Clock"), Tap(self.params["time"], "prefix"), Tap("Delete"), Tap("Delete"), finish()]


# Calendar ------------------------------------------------------------------------------------------
@register
class AddEvent(Task):
    template = 'Add a calendar event "{title}" on {date}.'
    complexity = 3.0
    app_names: ClassVar[tuple[str, ...]] = ("Calendar",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"title": phrase(rng, 2), "date": random_date(rng)}

    def is_successful(self, phone: Phone) -> float:
        return float(has_event(phone, self.params["title"], self.params["date"]))

    def oracle_plan(self) -> list[Intent]:
        return [
            open_app("Calendar"),
            Tap("Add event"),
            Type("Title", self.params["title"]),
            Type("Date (YYYY-MM-DD)", self.params["date"]),
            Tap("Save"),
            finish(),
        ]


class _ExistingEvent(AddEvent):
    def initialize_task(self, phone: Phone) -> None:
        phone.data.events.append(Event(self.params["title"], self.params["date"]))
        self.count = len(phone.data.events)

    def plan_to_event(self) -> list[Intent]:
        return [open_app("Calendar"), Tap(f"{self.params['date']} {self.params['title']}")]


@register
class DeleteEvent(_ExistingEvent):
    template = 'Delete the calendar event "{title}" on {date}.'
    complexity = 2.5

    def is_successful(self, phone: Phone) -> float:
        return float(
            len(phone.data.events) == self.count - 1 and not has_event(phone, self.params["title"], self.params["date"])
        )

    def oracle_plan(self) -> list[Intent]:
        return self.plan_to_event() + [Tap("Delete"), Tap("Delete"), finish()]


@register
class RenameEvent(_ExistingEvent):
    template = 'Rename the calendar event "{title}" on {date} to "{new_title}".'
    complexity = 3.0

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return super().generate_random_params(rng) | {"new_title": phrase(rng, 2)}

    def is_successful(self, phone: Phone) -> float:
        return float(
            any(
                same_text(e.title, self.params["new_title"]) and e.date == self.params["date"]
                for e in phone.data.events
            )
            and len(phone.data.events) == self.count
        )

    def oracle_plan(self) -> list[Intent]:
        return self.plan_to_event() + [Tap("Edit"), Type("Title", self.params["new_title"]), Tap("Save"), finish()]


@register
class MoveEvent(_ExistingEvent):
    template = 'Move the calendar event "{title}" from {date} to {new_date}.'
    complexity = 3.0

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return super().generate_random_params(rng) | {"new_date": random_date(rng)}

    def is_successful(self, phone: Phone) -> float:
        return float(
            any(
                same_text(e.title, self.params["title"]) and e.date == self.params["new_date"]
                for e in phone.data.events
            )
            and len(phone.data.events) == self.count
        )

    def oracle_plan(self) -> list[Intent]:
        return self.plan_to_event() + [
            Tap("Edit"),
            Type("Date (YYYY-MM-DD)", self.params["new_date"]),
            Tap("Save"),
            finish(),
        ]


# Notes ---------------------------------------------------------------------------------------------
@register
class CreateNote(Task):
    template = 'Create a note titled "{title}" that says "{body}".'
    complexity = 3.0
    app_names: ClassVar[tuple[str, ...]] = ("Notes",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"title": phrase(rng, 2), "body": phrase(rng, 4)}

    def is_successful(self, phone: Phone) -> float:
        return float(
            any(
                same_text(n.title, self.params["title"]) and same_text(n.body, self.params["body"])
                for n in phone.data.notes
            )
        )

    def oracle_plan(self) -> list[Intent]:
        return [
            open_app("Notes"),
            Tap("New note"),
            Type("Title", self.params["title"]),
            Type("Body", self.params["body"]),
            Tap("Save"),
            finish(),
        ]


@register
class DeleteNote(CreateNote):
    template = 'Delete the note titled "{title}".'
    complexity = 2.5

    def initialize_task(self, phone: Phone) -> None:
        phone.data.notes.append(Note(self.params["title"], self.params["body"]))
        self.count = len(phone.data.notes)

    def is_successful(self, phone: Phone) -> float:
        return float(
            len(phone.data.notes) == self.count - 1
            and all(not same_text(n.title, self.params["title"]) for n in phone.data.notes)
        )

    def oracle_plan(self) -> list[Intent]:
        return [open_app("Notes"), Tap(self.params["title"]), Tap("Delete"), Tap("Delete"), finish()]


@register
class EditNote(DeleteNote):
    template = 'Change the note titled "{title}" so that it says "{new_body}".'
    complexity = 3.0

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return super().generate_random_params(rng) | {"new_body": phrase(rng, 4)}

    def is_successful(self, phone: Phone) -> float:
        return float(
            len(phone.data.notes) == self.count
            and any(
                same_text(n.title, self.params["title"]) and same_text(n.body, self.params["new_body"])
                for n in phone.data.notes
            )
        )

    def oracle_plan(self) -> list[Intent]:
        return [
            open_app("Notes"),
            Tap(self.params["title"]),
            Tap("Edit"),
            Type("Body", self.params["new_body"]),
            Tap("Save"),
            finish(),
        ]


# Expenses ------------------------------------------------------------------------------------------
def expense_params(rng: random.Random, suffix: str = "") -> dict[str, Any]:
    return {
        f"name{suffix}": phrase(rng, 2),
        f"amount{suffix}": f"{rng.randint(1, 300)}.{rng.choice(['00', '50', '99'])}",
        f"category{suffix}": rng.choice(EXPENSE_CATEGORIES),
    }


def has_expense(phone: Phone, name: str, amount: str, category: str) -> bool:
    return any(
        same_text(e.name, name) and abs(e.amount - float(amount)) < 0.005 and e.category == category
        for e in phone.data.expenses
    )


def expense_plan(name: str, amount: str, category: str) -> list[Intent]:
    return [
        Tap("Add expense"),
        Type("Name", name),
        Type("Amount", amount),
        Tap("Category:", "prefix"),
        Tap(category),
        Tap("Save"),
    ]


@register
class AddExpense(Task):
    template = "Record an expense {name} of ${amount} in the {category} category."
    complexity = 4.0
    app_names: ClassVar[tuple[str, ...]] = ("Expenses",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return expense_params(rng)

    def is_successful(self, phone: Phone) -> float:
        return float(has_expense(phone, self.params["name"], self.params["amount"], self.params["category"]))

    def oracle_plan(self) -> list[Intent]:
        return (
            [open_app("Expenses")]
            + expense_plan(self.params["name"], self.params["amount"], self.params["category"])
            + [finish()]
        )


@register
class AddTwoExpenses(Task):
    template = "Record two expenses: {name} of ${amount} in {category}, and {name2} of ${amount2} in {category2}."
    complexity = 8.0
    app_names: ClassVar[tuple[str, ...]] = ("Expenses",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return expense_params(rng) | expense_params(rng, "2")

    def is_successful(self, phone: Phone) -> float:
        p = self.params
        return float(
            has_expense(phone, p["name"], p["amount"], p["category"])
            and has_expense(phone, p["name2"], p["amount2"], p["category2"])
        )

    def oracle_plan(self) -> list[Intent]:
        p = self.params
        return (
            [open_app("Expenses")]
            + expense_plan(p["name"], p["amount"], p["category"])
            + expense_plan(p["name2"], p["amount2"], p["category2"])
            + [finish()]
        )


@register
class DeleteExpense(AddExpense):
    template = "Delete the expense {name}."
    complexity = 2.5

    def initialize_task(self, phone: Phone) -> None:
        p = self.params
        phone.data.expenses.append(Expense(p["name"], float(p["amount"]), p["category"]))
        self.count = len(phone.data.expenses)

    def is_successful(self, phone: Phone) -> float:
        return float(len(phone.data.expenses) == self.count - 1 and not super().is_successful(phone))

    def oracle_plan(self) -> list[Intent]:
        return [open_app("Expenses"), Tap(f"{self.params['name']} $", "prefix"), Tap("Delete"), Tap("Delete"), finish()]


# Files ---------------------------------------------------------------------------------------------
@register
class CreateFolder(Task):
    template = 'Create a folder named "{folder}" in Files.'
    complexity = 2.0
    app_names: ClassVar[tuple[str, ...]] = ("Files",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"folder": f"{rng.choice(WORDS).capitalize()} {rng.randint(2020, 2030)}"}

    def is_successful(self, phone: Phone) -> float:
        return float(self.params["folder"] in phone.data.folders)

    def oracle_plan(self) -> list[Intent]:
        return [
            open_app("Files"),
            Tap("New folder"),
            Type("Folder name", self.params["folder"]),
            Tap("Create"),
            finish(),
        ]


class _ExistingFile(Task):
    app_names: ClassVar[tuple[str, ...]] = ("Files",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        folder = rng.choice(FOLDERS)
        return {"folder": folder, "file": f"{rng.choice(WORDS)}_{rng.randint(100, 999)}.txt"}

    def initialize_task(self, phone: Phone) -> None:
        files = phone.data.folders.setdefault(self.params["folder"], [])
        if self.params["file"] not in files:
            files.append(self.params["file"])
        self.count = len(files)

    def files(self, phone: Phone) -> list[str]:
        return phone.data.folders.get(self.params["folder"], [])

    def plan_to_file(self) -> list[Intent]:
        return [open_app("Files"), Tap(f"{self.params['folder']} (", "prefix"), Tap(self.params["file"])]


@register
class DeleteFile(_ExistingFile):
    template = "Delete the file {file} from the {folder} folder."
    complexity = 3.0

    def is_successful(self, phone: Phone) -> float:
        files = self.files(phone)
        return float(self.params["file"] not in files and len(files) == self.count - 1)

    def oracle_plan(self) -> list[Intent]:
        return self.plan_to_file() + [Tap("Delete"), Tap("Delete"), finish()]


@register
class RenameFile(_ExistingFile):
    template = "Rename the file {file} in {folder} to {new_file}."
    complexity = 3.0

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return super().generate_random_params(rng) | {"new_file": f"{rng.choice(WORDS)}_{rng.randint(100, 999)}.txt"}

    def is_successful(self, phone: Phone) -> float:
        files = self.files(phone)
        return float(self.params["new_file"] in files and self.params["file"] not in files and len(files) == self.count)

    def oracle_plan(self) -> list[Intent]:
        return self.plan_to_file() + [Tap("Rename"), Type("New name", self.params["new_file"]), Tap("Rename"), finish()]


# Launcher ------------------------------------------------------------------------------------------
@register
class OpenApp(Task):
    template = "Open the {app} app."
    complexity = 1.0
    app_names: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        from actionspace.envs.gui.simphone.apps import APPS

        return {"app": rng.choice(sorted(APPS))}

    def is_successful(self, phone: Phone) -> float:
        # Judged from the phone's UI state: which app is in the foreground now.
        return float(len(phone.stack) > 1 and phone.top.app == self.params["app"])

    def oracle_plan(self) -> list[Intent]:
        return [open_app(self.params["app"]), finish()]


@register
class AddThreeContactsThenMessage(Task):
    template = (
        "Add three contacts: {name} ({phone}), {name2} ({phone2}) and {name3} ({phone3}); then send "
        '{name} the message "{text}".'
    )
    complexity = 9.5
    app_names: ClassVar[tuple[str, ...]] = ("Contacts", "Messages")

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        names: set[str] = set()
        while len(names) < 3:
            names.add(new_name(rng))
        first, second, third = sorted(names)
        return {
            "name": first,
            "phone": random_phone(rng),
            "name2": second,
            "phone2": random_phone(rng),
            "name3": third,
            "phone3": random_phone(rng),
            "text": phrase(rng),
        }

    def contacts(self) -> list[AddContact]:
        return [
            AddContact({"name": self.params[f"name{i}"], "phone": self.params[f"phone{i}"]}) for i in ("", "2", "3")
        ]

    def is_successful(self, phone: Phone) -> float:
        return float(
            all(task.is_successful(phone) for task in self.contacts())
            and sent_message(phone, self.params["name"], self.params["text"])
        )

    def oracle_plan(self) -> list[Intent]:
        plan: list[Intent] = [open_app("Contacts")]
        for task in self.contacts():
            plan += task.oracle_plan()[1:-1]
        return plan + SendMessage({"name": self.params["name"], "text": self.params["text"]}).oracle_plan()


# Across apps ---------------------------------------------------------------------------------------
@register
class AddContactThenMessage(Task):
    template = 'Add {name} ({phone}) to your contacts, then send them "{text}".'
    complexity = 6.0
    app_names: ClassVar[tuple[str, ...]] = ("Contacts", "Messages")

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"name": new_name(rng), "phone": random_phone(rng), "text": phrase(rng)}

    def is_successful(self, phone: Phone) -> float:
        p = self.params
        return float(has_contact(phone, p["name"], p["phone"]) and sent_message(phone, p["name"], p["text"]))

    def oracle_plan(self) -> list[Intent]:
        p = self.params
        return (
            AddContact({"name": p["name"], "phone": p["phone"]}).oracle_plan()[:-1]
            + SendMessage({"name": p["name"], "text": p["text"]}).oracle_plan()
        )


@register
class NoteWithContactPhone(_ExistingContact):
    template = 'Create a note titled "{name}" whose text is the phone number of {name}.'
    complexity = 5.0
    app_names: ClassVar[tuple[str, ...]] = ("Contacts", "Notes")

    def is_successful(self, phone: Phone) -> float:
        return float(
            any(
                same_text(n.title, self.params["name"])
                and digits(n.body) == digits(self.params["old_phone"])
                and digits(n.body) != ""
                for n in phone.data.notes
            )
        )

    def oracle_plan(self) -> list[Intent]:
        return [
            open_app("Contacts"),
            Tap(self.params["name"]),
            Read("Phone:", "phone"),
            open_app("Notes"),
            Tap("New note"),
            Type("Title", self.params["name"]),
            Type("Body", Recall("phone")),
            Tap("Save"),
            finish(),
        ]


@register
class AlarmAndWifiOff(CreateAlarm):
    template = "Set an alarm for {time}, then turn off Wi-Fi."
    complexity = 4.5
    app_names: ClassVar[tuple[str, ...]] = ("Clock", "Settings")

    def initialize_task(self, phone: Phone) -> None:
        super().initialize_task(phone)
        phone.data.settings["wifi"] = True

    def is_successful(self, phone: Phone) -> float:
        return float(super().is_successful(phone) and not phone.data.settings["wifi"])

    def oracle_plan(self) -> list[Intent]:
        return super().oracle_plan()[:-1] + [open_app("Settings"), SetSwitch("Wi-Fi", False), finish()]
