from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pytest

from actionspace.core.config import ConfigError, describe, from_dict, load_config, merge, parse_overrides


@dataclass(kw_only=True)
class Inner:
    depth: int = 2
    """How deep."""
    label: str = "a"
    """A label."""


@dataclass(kw_only=True)
class Outer:
    inner: Inner = field(default_factory=lambda: Inner(label="from-factory"))
    """The nested section."""
    rate: float = 0.1
    """A rate."""
    mode: Literal["fast", "slow"] = "fast"
    """Which mode."""
    path: str | None = None
    """Optional path."""
    names: list[str] = field(default_factory=list)
    """Some names."""
    flag: bool = False
    """A flag."""


def test_overrides_are_typed_and_nested():
    assert parse_overrides(["a.b=3", "a.c=x", "d=true", "e=null", "f=[1, 2]"]) == {
        "a": {"b": 3, "c": "x"},
        "d": True,
        "e": None,
        "f": [1, 2],
    }


def test_yaml_plus_overrides(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("rate: 0.5\ninner:\n  depth: 4\nnames: [x]\n")
    config = load_config(Outer, path, ["inner.depth=7", "rate=1e-4", "mode=slow"])
    assert config.inner.depth == 7
    assert config.rate == pytest.approx(1e-4)  # YAML 1.1 reads "1e-4" as a string; we accept it
    assert config.mode == "slow" and config.names == ["x"]


def test_partial_nested_mapping_keeps_the_field_default():
    config = from_dict(Outer, {"inner": {"depth": 3}})
    assert config.inner.label == "from-factory" and config.inner.depth == 3


def test_unknown_key_lists_the_valid_ones():
    with pytest.raises(ConfigError) as error:
        from_dict(Outer, {"rte": 0.1})
    message = str(error.value)
    assert "'rte'" in message and "rate" in message and "mode" in message and "\n" not in message


def test_unknown_nested_key_names_its_section():
    with pytest.raises(ConfigError, match=r"'inner.dpth'.*valid keys under inner: depth, label"):
        from_dict(Outer, {"inner": {"dpth": 1}})


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        ({"rate": "fast"}, "rate must be a number"),
        ({"inner": {"depth": 1.5}}, "inner.depth must be an integer"),
        ({"flag": "yes"}, "flag must be true or false"),
        ({"mode": "medium"}, "mode must be one of 'fast', 'slow'"),
        ({"names": "x"}, "names must be a list"),
        ({"inner": 3}, "inner must be a mapping"),
    ],
)
def test_wrong_types_are_named(data, pattern):
    with pytest.raises(ConfigError, match=pattern):
        from_dict(Outer, data)


def test_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(Outer, tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("rate: [1,\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(Outer, bad)
    with pytest.raises(ConfigError, match="key=value"):
        parse_overrides(["rate"])


def test_merge_is_recursive_and_does_not_mutate():
    base = {"a": {"b": 1, "c": 2}, "d": 1}
    assert merge(base, {"a": {"b": 5}}) == {"a": {"b": 5, "c": 2}, "d": 1}
    assert base == {"a": {"b": 1, "c": 2}, "d": 1}


def test_describe_reads_field_docstrings():
    rows = {key: (type_name, default, doc) for key, type_name, default, doc in describe(Outer)}
    assert rows["inner.depth"] == ("int", 2, "How deep.")
    assert rows["rate"][2] == "A rate."
    assert set(rows) == {"inner.depth", "inner.label", "rate", "mode", "path", "names", "flag"}
