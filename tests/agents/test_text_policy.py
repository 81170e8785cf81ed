"""TextPolicy: one generation per active slot, none for an idle one, and per-slot records for recorders."""

from __future__ import annotations

from actionspace.agents.text_policy import TextPolicy, render_prompt
from actionspace.serving.engine import Generation


class RecordingEngine:
    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def generate(self, prompts, params):
        self.batches.append(list(prompts))
        return [Generation(f"reply to {p}", [7], [-0.5], "stop") for p in prompts]


class Identity:
    """A 'tokenizer' whose chat template is the user message itself."""

    def apply_chat_template(self, messages, tokenize, add_generation_prompt):
        return messages[0]["content"]


def test_idle_slots_cost_no_generation_and_records_stay_by_slot():
    engine = RecordingEngine()
    policy = TextPolicy(engine, Identity(), render=render_prompt)
    texts = policy.act([{"prompt": "a"}, None, {"prompt": "c"}])
    assert engine.batches == [["a", "c"]]
    assert texts == ["reply to a", None, "reply to c"]
    assert policy.last_prompts == ["a", "", "c"]
    assert policy.last_generations[1] is None and policy.last_generations[2].text == "reply to c"
    assert policy.act([None, None]) == [None, None] and len(engine.batches) == 1  # nothing to generate
