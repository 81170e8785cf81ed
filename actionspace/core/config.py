"""Typed dataclass configs: YAML files plus dotted ``key=value`` command-line overrides.

A config is a ``@dataclass(kw_only=True)`` whose fields carry one docstring line each (the attribute
docstring written under the field). That docstring is the only copy of the field's documentation:
:func:`describe` reads it back from the source for ``--help``.

Everything here fails with :class:`ConfigError`, a one-line message that names the offending key and
what would fix it, before any run directory is created.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap
import types
import typing
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeVar, Union

import yaml

T = TypeVar("T")


class ConfigError(ValueError):
    """A config that cannot be used; the message is one line naming the key and the fix."""


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Reads a YAML mapping, with clear errors for a missing file or a non-mapping document."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise ConfigError(f"{path} is not valid YAML: {str(error).splitlines()[0]}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold a mapping of config keys, found {type(data).__name__}")
    return data


def parse_overrides(overrides: Sequence[str]) -> dict[str, Any]:
    """Turns ``["run.seed=3", "learning_rate=1e-4"]`` into a nested mapping.

    Values are read as YAML scalars or flow collections (``3``, ``true``, ``null``, ``[a, b]``), so the
    command line speaks the same language as the config files.
    """
    nested: dict[str, Any] = {}
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"override {item!r} is not of the form key=value (e.g. run.seed=3)")
        try:
            value = yaml.safe_load(raw) if raw != "" else ""
        except yaml.YAMLError:
            value = raw
        node = nested
        parts = key.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ConfigError(f"override {item!r} conflicts with an earlier override of {part!r}")
            node = child
        node[parts[-1]] = value
    return nested


def merge(base: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """Recursively merges ``update`` into a copy of ``base``; nested mappings merge, other values replace."""
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def from_dict(cls: type[T], data: Mapping[str, Any], *, prefix: str = "") -> T:
    """Builds the dataclass ``cls`` from a mapping, checking every key and value type.

    Missing keys take the field defaults; nested dataclass fields accept nested mappings.
    """
    if not isinstance(data, Mapping):
        raise ConfigError(f"{prefix.rstrip('.') or 'config'} must be a mapping, got {data!r}")
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}  # type: ignore[arg-type]
    unknown = sorted(set(data) - set(fields))
    if unknown:
        section = f" under {prefix.rstrip('.')}" if prefix else ""
        raise ConfigError(
            f"unknown config key {prefix + unknown[0]!r}; valid keys{section}: " + ", ".join(sorted(fields))
        )
    hints = _type_hints(cls)
    values = {}
    for name, value in data.items():
        default_factory = fields[name].default_factory
        if (
            dataclasses.is_dataclass(hints[name])
            and isinstance(value, Mapping)
            and default_factory is not dataclasses.MISSING
        ):
            # A partial nested mapping overrides the field's own default (e.g. RunConfig(name="sft")),
            # not the nested class's bare defaults.
            value = merge(dataclasses.asdict(default_factory()), value)
        values[name] = _coerce(value, hints[name], f"{prefix}{name}")
    try:
        return cls(**values)
    except ConfigError:
        raise
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{prefix.rstrip('.') or cls.__name__}: {error}") from None


def load_config(cls: type[T], path: str | Path | None = None, overrides: Sequence[str] = ()) -> T:
    """Loads ``cls`` from an optional YAML file with command-line overrides applied on top."""
    data = load_yaml(path) if path is not None else {}
    return from_dict(cls, merge(data, parse_overrides(overrides)))


def to_dict(config: Any) -> dict[str, Any]:
    """The config as plain data (what gets saved with a run and can be loaded back with :func:`from_dict`);
    a mapping is returned as a copy."""
    if isinstance(config, Mapping):
        return dict(config)
    return dataclasses.asdict(config)


def to_yaml(config: Any) -> str:
    return yaml.safe_dump(to_dict(config), sort_keys=False)


def describe(cls: type, *, prefix: str = "") -> list[tuple[str, str, Any, str]]:
    """Rows ``(key, type, default, doc)`` for every field, nested configs flattened with dotted keys."""
    rows: list[tuple[str, str, Any, str]] = []
    docs = field_docs(cls)
    hints = _type_hints(cls)
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        if dataclasses.is_dataclass(hint):
            rows.extend(describe(hint, prefix=f"{prefix}{f.name}."))  # type: ignore[arg-type]
            continue
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = "(required)"
        rows.append((prefix + f.name, _type_name(hint), default, docs.get(f.name, "")))
    return rows


@cache
def field_docs(cls: type) -> dict[str, str]:
    """Attribute docstrings of a dataclass (the string literal right under each field), base classes first."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not dataclasses.is_dataclass(klass):
            continue
        try:
            source = textwrap.dedent(inspect.getsource(klass))
        except (OSError, TypeError):
            continue
        body = ast.parse(source).body[0].body  # type: ignore[attr-defined]
        for node, following in zip(body, body[1:], strict=False):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                docs[node.target.id] = " ".join(following.value.value.split())
    return docs


_TYPE_HINTS: dict[Any, dict[str, Any]] = {}


def _type_hints(cls: Any) -> dict[str, Any]:
    """Resolved annotations of a dataclass (string annotations under `from __future__ import annotations`)."""
    if cls not in _TYPE_HINTS:
        _TYPE_HINTS[cls] = typing.get_type_hints(cls)
    return _TYPE_HINTS[cls]


def _type_name(hint: Any) -> str:
    if isinstance(hint, type):
        return hint.__name__
    return str(hint).replace("typing.", "")


def _coerce(value: Any, hint: Any, key: str) -> Any:
    """Checks ``value`` against the annotation ``hint``, converting only where it is lossless."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any:
        return value
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for option in (a for a in args if a is not type(None)):
            try:
                return _coerce(value, option, key)
            except ConfigError as error:
                errors.append(error)
        raise errors[0]
    if origin is Literal:
        if value not in args:
            raise ConfigError(f"{key} must be one of {', '.join(map(repr, args))}, got {value!r}")
        return value
    if dataclasses.is_dataclass(hint):
        if dataclasses.is_dataclass(value):
            return value
        return from_dict(hint, value if value is not None else {}, prefix=f"{key}.")  # type: ignore[arg-type]
    if origin in (list, tuple, Sequence) or hint in (list, tuple):
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{key} must be a list, got {value!r}")
        item = args[0] if args else Any
        items = [_coerce(v, item, f"{key}[{i}]") for i, v in enumerate(value)]
        return tuple(items) if origin is tuple or hint is tuple else items
    if origin is dict or hint is dict:
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key} must be a mapping, got {value!r}")
        value_type = args[1] if len(args) == 2 else Any
        return {str(k): _coerce(v, value_type, f"{key}.{k}") for k, v in value.items()}
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise ConfigError(f"{key} must be true or false, got {value!r}")
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ConfigError(f"{key} must be an integer, got {value!r}")
    if hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        # YAML 1.1 reads "1e-4" (no dot) as a string; accept it when it is a number.
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
        raise ConfigError(f"{key} must be a number, got {value!r}")
    if hint is str:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise ConfigError(f"{key} must be a string, got {value!r}")
    if hint is Path:
        if isinstance(value, (str, Path)):
            return Path(value)
        raise ConfigError(f"{key} must be a path, got {value!r}")
    return value
