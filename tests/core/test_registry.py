import pytest

from actionspace.core.config import ConfigError
from actionspace.core.registry import Registry


def test_lookup_and_unknown_name_lists_known():
    registry = Registry("widget")

    @registry.register("a")
    class A:
        pass

    assert registry.get("a") is A and "a" in registry and registry.names() == ["a"]
    with pytest.raises(ConfigError, match="unknown widget 'b'; known: a"):
        registry.get("b")


def test_registering_a_different_object_twice_fails():
    registry = Registry("widget")
    registry.register("a")(int)
    with pytest.raises(ValueError, match="registered twice"):
        registry.register("a")(float)
