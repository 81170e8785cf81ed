from actionspace.envs.gui.prompt import describe_element, render_observation
from actionspace.envs.gui.schema import UIElement


def test_element_description():
    assert (
        describe_element(0, UIElement(text="Save", class_name="android.widget.Button", is_clickable=True))
        == '0: Button "Save" (clickable)'
    )
    assert (
        describe_element(4, UIElement(hint_text="Name", class_name="EditText", is_editable=True))
        == '4: EditText "Name" (editable)'
    )
    assert describe_element(2, UIElement(is_enabled=False)) == "2: View (disabled)"
    assert describe_element(1, UIElement(text="x" * 100)).endswith('..."')


def test_observation_lists_goal_elements_and_recent_history():
    text = render_observation(
        "Turn on wifi",
        [UIElement(text="Wi-Fi", is_checkable=True)],
        screen="Settings",
        history=[f"a{i}" for i in range(8)],
        max_history=2,
    )
    assert text.splitlines() == [
        "Goal: Turn on wifi",
        "Screen: Settings",
        "UI elements:",
        '0: View "Wi-Fi"',
        "Previous actions:",
        "- a6",
        "- a7",
        "Next action as JSON:",
    ]
