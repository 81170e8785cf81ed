import json

import pytest

from actionspace.core.config import ConfigError
from actionspace.data.instructions import JsonlMessages
from actionspace.data.phone_commands import PhoneCommands


def key(example):
    return json.dumps(example["messages"])


def test_examples_are_deterministic_distinct_and_splits_disjoint():
    data = PhoneCommands()
    train, test = data.examples("train", 1500, 0), data.examples("test", 200, 0)
    assert [key(e) for e in train] == [key(e) for e in data.examples("train", 1500, 0)]
    assert len({key(e) for e in train}) == 1500 and len({key(e) for e in test}) == 200
    assert not {e["messages"][-2]["content"] for e in train} & {e["messages"][-2]["content"] for e in test}
    assert data.examples("train", 5, 1) != data.examples("train", 5, 0)


def test_every_reference_is_a_json_action_of_a_known_type():
    for example in PhoneCommands().examples("test", 200, 0):
        action = json.loads(example["messages"][-1]["content"])
        assert action["action_type"] in {
            "open_app",
            "click",
            "long_press",
            "input_text",
            "scroll",
            "navigate_home",
            "navigate_back",
            "wait",
            "status",
        }


@pytest.mark.parametrize(
    ("completion", "accuracy", "action_type", "valid"),
    [
        ('{"action_type": "click", "index": 3}', 1.0, 1.0, 1.0),
        (' {"index": 3, "action_type": "click"} ', 1.0, 1.0, 1.0),  # key order and whitespace do not matter
        ('{"action_type": "click", "index": 4}', 0.0, 1.0, 1.0),
        ('{"action_type": "long_press", "index": 3}', 0.0, 0.0, 1.0),
        ('{"action_type": "click", "index": 3', 0.0, 0.0, 0.0),
        ("[1, 2]", 0.0, 0.0, 0.0),
    ],
)
def test_score(completion, accuracy, action_type, valid):
    score = PhoneCommands().score(completion, '{"action_type": "click", "index": 3}')
    assert score == {"accuracy": accuracy, "action_type": action_type, "valid_json": valid}


def test_jsonl_data_names_the_bad_line(tmp_path):
    good = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}
    (tmp_path / "train.jsonl").write_text(json.dumps(good) + "\n" + '{"messages": [{"role": "user"}]}\n')
    (tmp_path / "test.jsonl").write_text(json.dumps(good) + "\n")
    data = JsonlMessages(tmp_path)
    assert data.examples("test", 5, 0) == [good]
    with pytest.raises(ConfigError, match=r"train.jsonl:2"):
        data.examples("train", 5, 0)
    with pytest.raises(ConfigError, match="must contain train.jsonl and test.jsonl"):
        JsonlMessages(tmp_path / "missing")
