"""A generated, deterministic text corpus for training the tiny models' tokenizer.

Nothing is downloaded: the text mixes everyday English, phone-interface vocabulary, numbers and the JSON
that agents emit, which is what the project's prompts and actions are made of. Layers with their own
vocabulary (an environment's app names, a game's objects) pass extra text to the tokenizer builder.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator

COMMON_WORDS = """
the be to of and a in that have it for not on with he as you do at this but his by from they we say her
she or an will my one all would there their what so up out if about who get which go me when make can like
time no just him know take people into year your good some could them see other than then now look only
come its over think also back after use two how our work first well way even new want because any these
give day most us is are was were been has had did done said made went gone got find found tell ask seem
feel try leave call keep let begin show hear play run move live believe hold bring happen write provide sit
stand lose pay meet include continue set learn change lead understand watch follow stop create speak read
allow add spend grow open walk win offer remember love consider appear buy wait serve die send expect build
stay fall cut reach kill remain suggest raise pass sell require report decide pull yes please thank hello
goodbye today tomorrow yesterday morning evening night week month name number friend family home city
country world water food money price question answer guess game offer deal value item book hat ball
""".split()

PHONE_WORDS = """
phone screen app apps button click tap press long double swipe scroll up down left right home back menu
settings wifi bluetooth brightness volume battery airplane mode notification notifications keyboard enter
search field text input type message messages contact contacts call dial clock alarm alarms timer
stopwatch calendar event events note notes expense expenses amount category files folder file photo
camera gallery browser map maps music video email inbox send save delete edit cancel ok done next
previous toggle switch on off enabled disabled checked selected list item items dialog title label icon
drawer launcher task goal status complete infeasible navigate wait open close share copy paste new add
remove confirm date time hour minute second monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december element operate
android exactly json assistant user system hold launch start item select write box load moment success mark
infeasible return number index direction action_type app_name goal_status press_and_hold red blue green
yellow black white hat lunch dinner meeting alice bob carol paris london tokyo coffee tea rent taxi gym
dentist party budget movie train school garden piano river expenses camera
""".split()

# The action names of envs/gui/schema.py, repeated as plain text: core imports nothing of ours.
ACTION_TYPES = [
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
]


def generate_corpus(num_lines: int = 20000, seed: int = 0) -> Iterator[str]:
    """Yields ``num_lines`` lines of generated text; the same seed always gives the same lines."""
    rng = random.Random(seed)
    words = COMMON_WORDS + PHONE_WORDS
    for i in range(num_lines):
        kind = i % 4
        if kind == 0:
            sentence = " ".join(rng.choice(words) for _ in range(rng.randint(4, 16)))
            yield sentence.capitalize() + rng.choice([".", "?", "!", ":"])
        elif kind == 1:
            action: dict[str, object] = {"action_type": rng.choice(ACTION_TYPES)}
            extra = rng.choice(["index", "text", "direction", "app_name", "goal_status", "x"])
            if extra == "index":
                action["index"] = rng.randint(0, 60)
            elif extra == "text":
                action["text"] = " ".join(rng.choice(words) for _ in range(rng.randint(1, 3)))
            elif extra == "direction":
                action["direction"] = rng.choice(["up", "down", "left", "right"])
            elif extra == "app_name":
                action["app_name"] = rng.choice(PHONE_WORDS).capitalize()
            elif extra == "goal_status":
                action["goal_status"] = rng.choice(["complete", "infeasible"])
            else:
                action["x"], action["y"] = rng.randint(0, 1080), rng.randint(0, 2400)
            yield json.dumps(action)
        elif kind == 2:
            number = rng.choice(
                [
                    str(rng.randint(0, 9999)),
                    f"{rng.uniform(0, 500):.2f}",
                    f"{rng.randint(1, 12)}:{rng.randint(0, 59):02d}",
                ]
            )
            yield f"{rng.choice(words).capitalize()} {number} {rng.choice(words)} {rng.randint(0, 100)}%"
        else:
            items = [
                f'{j}: {rng.choice(PHONE_WORDS).capitalize()} "{rng.choice(words)}"' for j in range(rng.randint(2, 6))
            ]
            yield "\n".join(items)
