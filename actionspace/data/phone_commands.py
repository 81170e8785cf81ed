"""Phone commands: one-step instructions answered with an AndroidWorld-style JSON action.

"Type "red hat" into field 3." -> ``{"action_type": "input_text", "text": "red hat", "index": 3}``.

It is the project's first SFT task: small enough that a 3M-parameter model learns it in a few minutes on
a CPU, and in the action format the GUI agents use. The test split holds (phrasing, parameters)
combinations never seen in training: every word and number appears in training, but not with that
phrasing, so a model must compose rather than recall. (Parameterless commands, "Go back.", are all in
training: there is nothing to recombine.) There is no system prompt: the data teaches the format.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from typing import Any

from actionspace.core.registry import DATASETS
from actionspace.data.instructions import Example, Split

APPS = [
    "Clock",
    "Contacts",
    "Messages",
    "Calendar",
    "Settings",
    "Notes",
    "Expenses",
    "Files",
    "Camera",
    "Gallery",
    "Browser",
    "Music",
]
WORDS = [
    "red",
    "blue",
    "green",
    "hat",
    "ball",
    "book",
    "lunch",
    "dinner",
    "meeting",
    "alice",
    "bob",
    "carol",
    "paris",
    "london",
    "tokyo",
    "coffee",
    "tea",
    "rent",
    "taxi",
    "gym",
    "dentist",
    "party",
    "report",
    "budget",
    "movie",
    "train",
    "school",
    "garden",
    "piano",
    "river",
]
DIRECTIONS = ["up", "down", "left", "right"]
MAX_INDEX = 40
TEST_FRACTION_MOD = 5  # one combination in five is held out for test


def _open_app(p: dict[str, Any]) -> dict[str, Any]:
    return {"action_type": "open_app", "app_name": p["app"]}


def _with_index(kind: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda p: {"action_type": kind, "index": p["index"]}


def _input_text(p: dict[str, Any]) -> dict[str, Any]:
    return {"action_type": "input_text", "text": p["text"], "index": p["index"]}


def _scroll(p: dict[str, Any]) -> dict[str, Any]:
    return {"action_type": "scroll", "direction": p["direction"]}


def _constant(action: dict[str, Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda p: dict(action)


# (phrasings, parameters each phrasing takes, the action it asks for)
Template = tuple[list[str], tuple[str, ...], Callable[[dict[str, Any]], dict[str, Any]]]
TEMPLATES: list[Template] = [
    (["Open the {app} app.", "Launch {app}.", "Please start {app}.", "Go to the {app} app."], ("app",), _open_app),
    (
        [
            "Click element {index}.",
            "Tap on item {index}.",
            "Press the element with index {index}.",
            "Select item number {index}.",
        ],
        ("index",),
        _with_index("click"),
    ),
    (["Long press element {index}.", "Press and hold item {index}."], ("index",), _with_index("long_press")),
    (
        [
            'Type "{text}" into field {index}.',
            'Enter "{text}" in text box {index}.',
            'Write "{text}" in field {index}.',
        ],
        ("text", "index"),
        _input_text,
    ),
    (["Scroll {direction}.", "Scroll the list {direction}.", "Move the screen {direction}."], ("direction",), _scroll),
    (["Go to the home screen.", "Press home.", "Return home."], (), _constant({"action_type": "navigate_home"})),
    (
        ["Go back.", "Press the back button.", "Return to the previous screen."],
        (),
        _constant({"action_type": "navigate_back"}),
    ),
    (["Wait for the screen to load.", "Wait a moment."], (), _constant({"action_type": "wait"})),
    (
        ["The task is done; report success.", "Mark the goal as complete."],
        (),
        _constant({"action_type": "status", "goal_status": "complete"}),
    ),
    (
        ["The task cannot be done; give up.", "Report that the goal is infeasible."],
        (),
        _constant({"action_type": "status", "goal_status": "infeasible"}),
    ),
]
# Templates are drawn in proportion to how many distinct problems they hold (roughly), so that the data
# is not dominated by the parameterless ones.
TEMPLATE_WEIGHTS = [3.0, 3.0, 1.5, 5.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5]


@DATASETS.register("phone_commands")
class PhoneCommands:
    """Generated phone commands; see the module docstring."""

    def examples(self, split: Split, num: int, seed: int) -> list[Example]:
        rng = random.Random(f"phone_commands/{split}/{seed}")
        examples: list[Example] = []
        seen: set[str] = set()
        attempts = 0
        while len(examples) < num:
            attempts += 1
            if attempts > 200 * max(num, 1):
                raise ValueError(f"phone_commands: cannot draw {num} distinct {split} examples")
            phrasings, names, build = rng.choices(TEMPLATES, weights=TEMPLATE_WEIGHTS)[0]
            phrasing_id = rng.randrange(len(phrasings))
            params = {name: _sample(name, rng) for name in names}
            key = json.dumps([phrasings[phrasing_id], params], sort_keys=True)
            # A parameterless template has nothing to recombine: holding one out would test paraphrase
            # understanding, which a model trained from scratch cannot have. Those stay in training.
            if (_split_of(key) if names else "train") != split:
                continue
            # Distinct problems in both splits: repeats would reward memorising over composing.
            if key in seen:
                continue
            seen.add(key)
            instruction = phrasings[phrasing_id].format(**params)
            examples.append(
                {
                    "messages": [
                        {"role": "user", "content": instruction},
                        {"role": "assistant", "content": json.dumps(build(params))},
                    ]
                }
            )
        return examples

    def score(self, completion: str, reference: str) -> dict[str, float]:
        """``accuracy``: the answer parses to exactly the reference action; ``action_type``: its type is right;
        ``valid_json``: it parses to a JSON object."""
        expected = json.loads(reference)
        try:
            parsed = json.loads(completion.strip())
        except json.JSONDecodeError:
            return {"accuracy": 0.0, "action_type": 0.0, "valid_json": 0.0}
        if not isinstance(parsed, dict):
            return {"accuracy": 0.0, "action_type": 0.0, "valid_json": 0.0}
        return {
            "accuracy": float(parsed == expected),
            "action_type": float(parsed.get("action_type") == expected["action_type"]),
            "valid_json": 1.0,
        }


def _sample(name: str, rng: random.Random) -> Any:
    if name == "app":
        return rng.choice(APPS)
    if name == "index":
        return rng.randrange(MAX_INDEX)
    if name == "text":
        return " ".join(rng.sample(WORDS, rng.randint(1, 2)))
    if name == "direction":
        return rng.choice(DIRECTIONS)
    raise KeyError(name)


def _split_of(key: str) -> Split:
    digest = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    return "test" if digest % TEST_FRACTION_MOD == 0 else "train"
