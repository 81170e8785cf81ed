"""Name -> class registries for trainers, environments, engines and data sets.

Modules register themselves on import with a decorator; the CLI imports the layers and looks classes up
by the names used in config files (``trainer: sft``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from actionspace.core.config import ConfigError

C = TypeVar("C")


class Registry:
    """A named mapping of strings to classes (or factories)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Any] = {}

    def register(self, name: str) -> Callable[[C], C]:
        def decorator(obj: C) -> C:
            if name in self._entries and self._entries[name] is not obj:
                raise ValueError(f"{self.kind} {name!r} is registered twice")
            self._entries[name] = obj
            return obj

        return decorator

    def get(self, name: str) -> Any:
        if name not in self._entries:
            known = ", ".join(sorted(self._entries)) or "none registered"
            raise ConfigError(f"unknown {self.kind} {name!r}; known: {known}")
        return self._entries[name]

    def names(self) -> list[str]:
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())


TRAINERS = Registry("trainer")
ENVS = Registry("env")
ENGINES = Registry("engine")
DATASETS = Registry("dataset")
