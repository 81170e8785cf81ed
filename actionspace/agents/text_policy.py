"""`TextPolicy`: a causal LM acting in a GUI environment through an engine.

It renders each observation as a chat prompt, generates with the engine (HF or vLLM, greedy by default)
and returns the model's raw text: the environment parses it, so malformed output is an invalid step,
never an exception here.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from actionspace.envs.gui.prompt import render_observation
from actionspace.serving.engine import Engine, Generation, SamplingParams


class TextPolicy:
    def __init__(self, engine: Engine, tokenizer: Any, *, sampling: SamplingParams | None = None) -> None:
        self.engine = engine
        self.tokenizer = tokenizer
        self.sampling = sampling or SamplingParams(max_new_tokens=64, temperature=0.0)
        self.last_prompts: list[str] = []
        self.last_generations: list[Generation] = []

    def prompt(self, observation: dict[str, Any]) -> str:
        user = render_observation(
            observation["goal"],
            observation["ui_elements"],
            screen=observation["screen"],
            history=observation.get("history", ()),
        )
        return self.tokenizer.apply_chat_template(
            [{"role": "user", "content": user}], tokenize=False, add_generation_prompt=True
        )

    def begin_episode(self, slot: int, env: gym.Env) -> None:
        """Stateless: the observation carries the recent history."""

    def act(self, observations: list[dict[str, Any]]) -> list[str]:
        """The model's text for each observation; the prompts and generations (token ids, log-probs) of this
        call stay in ``last_prompts`` / ``last_generations`` for rollout recorders."""
        self.last_prompts = [self.prompt(o) for o in observations]
        self.last_generations = self.engine.generate(self.last_prompts, self.sampling)
        return [g.text for g in self.last_generations]
