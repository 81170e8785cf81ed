"""The simulated phone's app data: what tasks change and what success is judged on."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

FIRST_NAMES = [
    "Alice",
    "Bob",
    "Carol",
    "David",
    "Emma",
    "Frank",
    "Grace",
    "Henry",
    "Iris",
    "Jack",
    "Karen",
    "Leo",
    "Maria",
    "Nina",
    "Oscar",
    "Paula",
    "Quinn",
    "Rosa",
    "Sam",
    "Tina",
    "Umar",
    "Vera",
    "Will",
    "Xena",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Adams",
    "Brown",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hill",
    "Ito",
    "Jones",
    "Khan",
    "Lopez",
    "Moore",
    "Novak",
    "Olsen",
    "Patel",
]
WORDS = [
    "lunch",
    "meeting",
    "dentist",
    "groceries",
    "project",
    "birthday",
    "gym",
    "flight",
    "report",
    "piano",
    "garden",
    "budget",
    "movie",
    "rent",
    "coffee",
    "train",
    "school",
    "party",
    "doctor",
    "taxes",
]
EXPENSE_CATEGORIES = ["Food", "Transport", "Housing", "Fun", "Health", "Other"]
FOLDERS = ["Documents", "Downloads", "Pictures", "Music"]
FILE_EXTENSIONS = {"Documents": "pdf", "Downloads": "zip", "Pictures": "jpg", "Music": "mp3"}


@dataclass
class Contact:
    name: str
    phone: str


@dataclass
class Message:
    contact: str
    text: str
    outgoing: bool


@dataclass
class Alarm:
    hour: int
    minute: int
    label: str = ""
    enabled: bool = True

    @property
    def time(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


@dataclass
class Event:
    title: str
    date: str  # YYYY-MM-DD


@dataclass
class Note:
    title: str
    body: str


@dataclass
class Expense:
    name: str
    amount: float
    category: str


def default_settings() -> dict[str, Any]:
    return {"wifi": True, "bluetooth": False, "airplane_mode": False, "dark_mode": False, "brightness": 5}


@dataclass
class PhoneData:
    contacts: list[Contact] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    alarms: list[Alarm] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    expenses: list[Expense] = field(default_factory=list)
    folders: dict[str, list[str]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=default_settings)

    @classmethod
    def generate(cls, rng: random.Random) -> PhoneData:
        """A plausible phone: 8-14 contacts (so the list scrolls), some messages, alarms, events, notes,
        expenses and files. The same ``rng`` state always gives the same data."""
        names = rng.sample([f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES], rng.randint(8, 14))
        contacts = [Contact(n, random_phone(rng)) for n in names]
        messages = [
            Message(c.name, f"See you at the {rng.choice(WORDS)}", rng.random() < 0.5) for c in rng.sample(contacts, 4)
        ]
        alarms = [
            Alarm(h, rng.choice([0, 15, 30, 45]), rng.choice(["", "Work", "Gym"]), rng.random() < 0.7)
            for h in rng.sample(range(5, 23), 3)
        ]
        events = [Event(w.capitalize(), random_date(rng)) for w in rng.sample(WORDS, 4)]
        notes = [Note(w.capitalize(), f"Remember the {rng.choice(WORDS)}") for w in rng.sample(WORDS, 3)]
        expenses = [
            Expense(w.capitalize(), round(rng.uniform(2, 120), 2), rng.choice(EXPENSE_CATEGORIES))
            for w in rng.sample(WORDS, 4)
        ]
        folders = {
            f: sorted(f"{w}_{rng.randint(1, 99)}.{FILE_EXTENSIONS[f]}" for w in rng.sample(WORDS, rng.randint(2, 7)))
            for f in FOLDERS
        }
        settings = default_settings() | {
            "wifi": rng.random() < 0.5,
            "bluetooth": rng.random() < 0.5,
            "brightness": rng.randint(2, 8),
        }
        return cls(contacts, messages, alarms, events, notes, expenses, folders, settings)

    def contact(self, name: str) -> Contact | None:
        return next((c for c in self.contacts if c.name.lower() == name.strip().lower()), None)


def random_phone(rng: random.Random) -> str:
    return f"555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"


def random_date(rng: random.Random) -> str:
    return f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())
