"""`TextPolicy`: a causal LM acting in a text environment (a GUI by default, or a language game) through an engine.

It renders each observation as a chat prompt, generates with the engine (HF or vLLM, greedy by default)
and returns the model's raw text: the environment parses it, so malformed output is an invalid step,
never an exception here. Without a tokenizer, the engine must be a chat engine (a remote endpoint),
which applies the model's chat template itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gymnasium as gym

from actionspace.envs.gui.prompt import render_gui_observation
from actionspace.serving.engine import ChatEngine, Engine, Generation, SamplingParams


def render_prompt(observation: dict[str, Any]) -> str:
    """An env that renders its own prompt (the language games) as the user message."""
    return str(observation["prompt"])


class TextPolicy:
    """Args:
    engine: generates the text (HF, vLLM, or a chat engine such as an endpoint).
    tokenizer: applies the chat template; None for a chat engine, which applies the model's own.
    sampling: decoding settings (greedy by default).
    render: the observation as the user message (GUI observations by default; `render_prompt` for envs
        that write their own prompt).
    """

    def __init__(
        self,
        engine: Engine | ChatEngine,
        tokenizer: Any | None,
        *,
        sampling: SamplingParams | None = None,
        render: Callable[[dict[str, Any]], str] = render_gui_observation,
    ) -> None:
        if tokenizer is None and not hasattr(engine, "chat"):
            raise TypeError("TextPolicy needs a tokenizer to render prompts unless its engine has chat()")
        self.engine = engine
        self.tokenizer = tokenizer
        self.render = render
        self.sampling = sampling or SamplingParams(max_new_tokens=64, temperature=0.0)
        self.last_prompts: list[str] = []
        self.last_generations: list[Generation | None] = []

    def messages(self, observation: dict[str, Any]) -> list[dict[str, str]]:
        return [{"role": "user", "content": self.render(observation)}]

    def prompt(self, observation: dict[str, Any]) -> str:
        if self.tokenizer is None:  # the endpoint renders; this is what it is sent
            return self.messages(observation)[0]["content"]
        return self.tokenizer.apply_chat_template(
            self.messages(observation), tokenize=False, add_generation_prompt=True
        )

    def begin_episode(self, slot: int, env: gym.Env) -> None:
        """Stateless: the observation carries the recent history."""

    def act(self, observations: list[dict[str, Any] | None]) -> list[str | None]:
        """The model's text for each observation (None for an idle slot, which costs no generation); the
        prompts and generations of this call stay in ``last_prompts`` / ``last_generations``, by slot, for
        rollout recorders."""
        active = [(slot, o) for slot, o in enumerate(observations) if o is not None]
        prompts = [self.prompt(o) for _, o in active]
        generated: list[Generation] = []
        if active and self.tokenizer is None:
            chat_engine: Any = self.engine
            generated = chat_engine.chat([self.messages(o) for _, o in active], self.sampling)
        elif active:
            engine: Any = self.engine
            generated = engine.generate(prompts, self.sampling)
        self.last_prompts = [""] * len(observations)
        self.last_generations = [None] * len(observations)
        for (slot, _), prompt, generation in zip(active, prompts, generated, strict=True):
            self.last_prompts[slot], self.last_generations[slot] = prompt, generation
        return [g.text if g is not None else None for g in self.last_generations]
