"""`SimPhoneEnv`: the simulated phone as a gymnasium environment in AndroidWorld's format.

Observation: ``{"goal": str, "screen": str, "ui_elements": list[UIElement], "history": list[str]}``.
Action: a :class:`JSONAction`, a dict of its fields, or the model's raw text (parsed, never raising).
An episode ends when the agent reports ``status`` (terminated) or after ``max_steps`` (truncated);
the reward is 1.0 at the end if the task succeeded, judged from the phone's state, and an invalid
action costs ``invalid_action_penalty``. ``info`` always has ``success``, ``invalid_action`` and ``task``.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any, Literal

import gymnasium as gym

from actionspace.core.config import ConfigError
from actionspace.core.registry import ENVS
from actionspace.envs.gui.prompt import render_observation
from actionspace.envs.gui.schema import JSONAction, parse_action
from actionspace.envs.gui.simphone.data import PhoneData
from actionspace.envs.gui.simphone.phone import Phone
from actionspace.envs.gui.simphone.tasks import TASKS, Task, sample_task
from actionspace.envs.gui.spaces import GUIObservationSpace, TextOrActionSpace

# Held out entirely in the by-template split: one or two per app, of mixed difficulty.
TEST_TEMPLATES = (
    "BluetoothOff",
    "DarkModeAndBrightness",
    "UpdateContactPhone",
    "ReplyToConversation",
    "DeleteAlarm",
    "MoveEvent",
    "EditNote",
    "DeleteExpense",
    "RenameFile",
    "NoteWithContactPhone",
)


@dataclass(kw_only=True)
class SimPhoneConfig:
    split: Literal["train", "test"] = "train"
    """Which tasks reset() draws."""
    split_by: Literal["params", "template"] = "params"
    """params: every template, with held-out parameter sets for test; template: test holds whole templates."""
    templates: list[str] | None = None
    """Restrict to these templates (default: all the split allows)."""
    max_steps: int = 30
    """Steps before the episode is truncated."""
    invalid_action_penalty: float = 0.0
    """Reward added (as a negative) for an action that is unparseable or impossible on this screen."""
    step_latency_s: float = 0.0
    """Sleep this long per step, to behave like a slow emulator (~1 s) when testing rollout scheduling."""
    history_length: int = 5
    """Recent actions included in the observation (and so in the prompt)."""

    def __post_init__(self) -> None:
        unknown = sorted(set(self.templates or ()) - set(TASKS))
        if unknown:
            raise ConfigError(f"unknown simphone template {unknown[0]!r}; known: {', '.join(sorted(TASKS))}")
        if self.max_steps < 1:
            raise ConfigError(f"max_steps must be >= 1, got {self.max_steps}")
        if self.invalid_action_penalty < 0 or self.step_latency_s < 0:
            raise ConfigError("invalid_action_penalty and step_latency_s must be >= 0")

    def template_names(self) -> list[str]:
        names = self.templates or sorted(TASKS)
        if self.split_by == "template":
            held_out = set(TEST_TEMPLATES)
            names = [n for n in names if (n in held_out) == (self.split == "test")]
        if not names:
            raise ConfigError(f"no simphone templates left in the {self.split} split")
        return names


@ENVS.register("simphone")
class SimPhoneEnv(gym.Env):
    metadata = {"render_modes": ["ansi"]}
    config_class = SimPhoneConfig

    def __init__(self, config: SimPhoneConfig | None = None, *, render_mode: str | None = None) -> None:
        self.config = config or SimPhoneConfig()
        self.templates = self.config.template_names()
        self.render_mode = render_mode
        self.observation_space = GUIObservationSpace()
        self.action_space = TextOrActionSpace()
        self.phone: Phone | None = None
        self.task: Task | None = None
        self.history: list[str] = []
        self.steps = 0
        self._rng = random.Random()

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Options: ``task`` (a Task instance or template name) and ``params`` to pin the episode."""
        super().reset(seed=seed)
        if seed is not None:
            self._rng = random.Random(seed)
        options = options or {}
        self.task = self._choose_task(options)
        self.phone = Phone(PhoneData.generate(self._rng))
        self.task.initialize_task(self.phone)
        self.history, self.steps = [], 0
        return self._observation(), self._info(invalid=False)

    def step(self, action: Any):
        if self.phone is None or self.task is None:
            raise RuntimeError("call reset() before step()")
        if self.config.step_latency_s:
            time.sleep(self.config.step_latency_s)
        self.steps += 1
        parsed, reason = self._parse(action)
        if parsed is not None:
            reason = self.phone.apply(parsed)
        invalid = reason is not None
        self.history.append(parsed.to_json() if parsed is not None and not invalid else f"invalid: {reason}")
        terminated = parsed is not None and not invalid and parsed.action_type == "status"
        truncated = not terminated and self.steps >= self.config.max_steps
        success = self.task.is_successful(self.phone) == 1.0
        reward = (1.0 if success else 0.0) if (terminated or truncated) else 0.0
        if invalid:
            reward -= self.config.invalid_action_penalty
        if terminated or truncated:
            self.task.tear_down(self.phone)
        return self._observation(), reward, terminated, truncated, self._info(invalid, reason, success)

    def render(self) -> str:
        observation = self._observation()
        return render_observation(
            observation["goal"],
            observation["ui_elements"],
            screen=observation["screen"],
            history=observation["history"],
        )

    # ----------------------------------------------------------------------------------------------
    def _choose_task(self, options: dict[str, Any]) -> Task:
        chosen = options.get("task")
        if isinstance(chosen, Task):
            return chosen
        if chosen is not None:
            if chosen not in TASKS:
                raise ConfigError(f"unknown simphone template {chosen!r}; known: {', '.join(sorted(TASKS))}")
            if "params" in options:
                return TASKS[chosen](options["params"])
            return sample_task(chosen, self._rng, self.config.split if self.config.split_by == "params" else None)
        template = self._rng.choice(self.templates)
        return sample_task(template, self._rng, self.config.split if self.config.split_by == "params" else None)

    @staticmethod
    def _parse(action: Any) -> tuple[JSONAction | None, str | None]:
        if isinstance(action, JSONAction):
            parsed = parse_action(action.to_json())
        elif isinstance(action, dict):
            import json

            try:
                parsed = parse_action(json.dumps(action))
            except (TypeError, ValueError):
                return None, "action dict is not JSON-serialisable"
        else:
            parsed = parse_action(action)
        return parsed.action, parsed.error

    def _observation(self) -> dict[str, Any]:
        assert self.phone is not None and self.task is not None
        screen, elements = self.phone.observe()
        recent = self.history[-self.config.history_length :] if self.config.history_length else []
        return {"goal": self.task.goal, "screen": screen, "ui_elements": elements, "history": recent}

    def _info(self, invalid: bool, reason: str | None = None, success: bool | None = None) -> dict[str, Any]:
        assert self.task is not None and self.phone is not None
        if success is None:
            success = self.task.is_successful(self.phone) == 1.0
        return {
            "success": success,
            "invalid_action": invalid,
            "invalid_reason": reason,
            "task": self.task.name,
            "goal": self.task.goal,
            "step": self.steps,
        }
