"""`GUIEnvConfig`: which GUI environment a trainer acts in, chosen by name in its recipe.

    env:
      name: simphone            # or android (a real emulator through android-env), miniwob
      split: train
      kwargs: {max_steps: 10, templates: [WifiOn, DeleteAlarm]}

``kwargs`` is the named environment's own config (`SimPhoneConfig`, `AndroidConfig`, ...), checked when
the recipe is read, so an unknown key or a missing Android SDK fails before any work starts. ``split``
sits outside it because a trainer's defaults differ only there (train for experience, test for
evaluation) and an environment without task splits (android, miniwob) ignores it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

import gymnasium as gym

import actionspace.envs.gui.android  # noqa: F401  (registers "android")
import actionspace.envs.gui.simphone  # noqa: F401  (registers "simphone")
from actionspace.core.config import ConfigError, from_dict
from actionspace.core.registry import ENVS


@dataclass(kw_only=True)
class GUIEnvConfig:
    name: str = "simphone"
    """A registered GUI environment: simphone, android, miniwob."""
    split: Literal["train", "test"] = "train"
    """Which of the environment's task splits episodes come from (environments without splits ignore it)."""
    kwargs: dict[str, Any] = field(default_factory=dict)
    """That environment's config (see its class, e.g. `SimPhoneConfig`); omitted keys take its defaults."""

    def __post_init__(self) -> None:
        self.env_config()

    def env_config(self) -> Any:
        env_class = ENVS.get(self.name)
        config_class = getattr(env_class, "config_class", None)
        if config_class is None:
            raise ConfigError(f"env {self.name!r} is not a GUI environment with a config class")
        if "split" in self.kwargs:
            raise ConfigError("give the split as env.split, not inside env.kwargs")
        kwargs = dict(self.kwargs)
        if "split" in {f.name for f in dataclasses.fields(config_class)}:
            kwargs["split"] = self.split
        return from_dict(config_class, kwargs, prefix=f"env.kwargs ({self.name}).")

    def make(self) -> gym.Env:
        return ENVS.get(self.name)(self.env_config())

    def template_names(self) -> list[str]:
        """The task templates episodes are drawn from (an env without templates is one task: its name)."""
        config = self.env_config()
        return config.template_names() if hasattr(config, "template_names") else [self.name]

    def describe(self) -> str:
        has_split = hasattr(self.env_config(), "split")
        return f"{self.name} {self.split} tasks" if has_split else f"{self.name} tasks"
