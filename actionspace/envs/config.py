"""`NamedEnvConfig`: an environment chosen by its registered name in a recipe, with its own options.

    env:
      name: bargaining
      kwargs: {max_turns: 8}

``kwargs`` is the named environment's config dataclass (its ``config_class``), checked when the recipe is
read: an unknown key or a bad value fails before any work starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym

from actionspace.core.config import ConfigError, from_dict
from actionspace.core.registry import ENVS


@dataclass(kw_only=True)
class NamedEnvConfig:
    name: str
    """A registered environment (`actionspace list`)."""
    kwargs: dict[str, Any] = field(default_factory=dict)
    """That environment's config (see its class); omitted keys take its defaults."""

    def __post_init__(self) -> None:
        self.env_config()

    def _options(self) -> dict[str, Any]:
        return dict(self.kwargs)

    def env_config(self) -> Any:
        config_class = getattr(ENVS.get(self.name), "config_class", None)
        if config_class is None:
            raise ConfigError(f"env {self.name!r} has no config class to build from env.kwargs")
        return from_dict(config_class, self._options(), prefix=f"env.kwargs ({self.name}).")

    def make(self) -> gym.Env:
        return ENVS.get(self.name)(self.env_config())
