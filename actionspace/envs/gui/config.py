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
from dataclasses import dataclass
from typing import Any, Literal

import actionspace.envs.gui.android  # noqa: F401  (registers "android")
import actionspace.envs.gui.simphone  # noqa: F401  (registers "simphone")
from actionspace.core.config import ConfigError
from actionspace.core.registry import ENVS
from actionspace.envs.config import NamedEnvConfig


@dataclass(kw_only=True)
class GUIEnvConfig(NamedEnvConfig):
    name: str = "simphone"
    """A registered GUI environment: simphone, android, miniwob."""
    split: Literal["train", "test"] = "train"
    """Which of the environment's task splits episodes come from (environments without splits ignore it)."""

    def _options(self) -> dict[str, Any]:
        if "split" in self.kwargs:
            raise ConfigError("give the split as env.split, not inside env.kwargs")
        options = dict(self.kwargs)
        config_class = getattr(ENVS.get(self.name), "config_class", None)
        if config_class is not None and "split" in {f.name for f in dataclasses.fields(config_class)}:
            options["split"] = self.split
        return options

    def template_names(self) -> list[str]:
        """The task templates episodes are drawn from (an env without templates is one task: its name)."""
        config = self.env_config()
        return config.template_names() if hasattr(config, "template_names") else [self.name]

    def describe(self) -> str:
        has_split = hasattr(self.env_config(), "split")
        return f"{self.name} {self.split} tasks" if has_split else f"{self.name} tasks"
