"""The action parser never raises, accepts what models really write, and JSONAction round-trips exactly."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actionspace.envs.gui.schema import ACTION_TYPES, DIRECTIONS, JSONAction, UIElement, parse_action


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"action_type": "click", "index": 3}', {"action_type": "click", "index": 3}),
        (
            'Sure! ```json\n{"action_type": "open-app", "app_name": "Clock"}\n``` done',
            {"action_type": "open_app", "app_name": "Clock"},
        ),
        (
            "{'action_type': 'input-text', 'text': 'hi', 'index': '2'}",
            {"action_type": "input_text", "text": "hi", "index": 2},
        ),
        ('Action: {"action_type": "navigate-home"} because home', {"action_type": "navigate_home"}),
        (
            '{"action_type": "scroll", "direction": "DOWN", "extra": [1, 2]}',
            {"action_type": "scroll", "direction": "down"},
        ),
        ('{"action_type": "status"}', {"action_type": "status", "goal_status": "complete"}),
        ('{"action": "tap", "x": 10, "y": 20.0}', {"action_type": "click", "x": 10, "y": 20}),
        ('{"action_type": "long_press", "index": 4, "text": null}', {"action_type": "long_press", "index": 4}),
    ],
)
def test_accepts_what_models_write(text, expected):
    parsed = parse_action(text)
    assert parsed.valid, parsed.error
    assert parsed.action.to_dict() == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("click the button", "no JSON object"),
        ('{"index": 3}', "missing action_type"),
        ('{"action_type": "fly"}', "unknown action_type 'fly'"),
        ('{"action_type": "click"}', "needs an index or x and y"),
        ('{"action_type": "click", "index": "three"}', "index must be an integer"),
        ('{"action_type": "scroll", "direction": "sideways"}', "direction must be one of"),
        ('{"action_type": "open_app"}', "needs app_name"),
        ('{"action_type": "status", "goal_status": "maybe"}', "goal_status must be complete or infeasible"),
        ('{"action_type": "click", "index": 1', "no JSON object"),
    ],
)
def test_invalid_outputs_name_the_reason(text, reason):
    parsed = parse_action(text)
    assert not parsed.valid and reason in parsed.error


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_parser_never_raises_on_arbitrary_text(text):
    parsed = parse_action(text)
    assert parsed.valid == (parsed.error is None)


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
        lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=4),
        max_leaves=10,
    )
)
def test_parser_never_raises_on_arbitrary_json(value):
    for text in (json.dumps(value), repr(value), f"noise {json.dumps({'action_type': value})} noise"):
        parse_action(text)


small_text = st.text(max_size=20)
actions = st.builds(
    JSONAction,
    action_type=st.sampled_from(ACTION_TYPES),
    index=st.none() | st.integers(-5, 10_000),
    x=st.none() | st.integers(0, 4000),
    y=st.none() | st.integers(0, 4000),
    text=st.none() | small_text,
    direction=st.none() | st.sampled_from(DIRECTIONS),
    goal_status=st.none() | st.sampled_from(["complete", "infeasible"]),
    app_name=st.none() | small_text,
    keycode=st.none() | small_text,
    clear_text=st.none() | st.booleans(),
)


@settings(max_examples=500, deadline=None)
@given(actions)
def test_every_action_round_trips_through_json_exactly(action):
    assert JSONAction.from_dict(json.loads(action.to_json())) == action


def test_ui_element_center():
    assert UIElement(bbox=(0, 10, 100, 30)).center == (50, 20)
    assert UIElement().center is None
