"""Scoring a policy's greedy answers on held-out instruction examples."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from actionspace.core.stats import wilson_interval
from actionspace.data.instructions import Example, InstructionData


def evaluate_instructions(
    engine: Any,
    render_prompt: Callable[[Example], str],
    data: InstructionData,
    examples: list[Example],
    *,
    max_new_tokens: int = 48,
) -> dict[str, float]:
    """Mean of the data set's per-example scores, plus a 95% Wilson interval on ``accuracy``.

    Args:
        engine: anything with ``generate(prompts, SamplingParams) -> [Generation]`` (HF, vLLM, a client).
        render_prompt: turns an example (whose last message is the reference answer) into the prompt.
        data: supplies ``score(completion, reference)``.
        examples: the held-out examples.
    """
    from actionspace.serving.engine import SamplingParams

    if not examples:
        raise ValueError("no examples to evaluate")
    generations = engine.generate(
        [render_prompt(e) for e in examples], SamplingParams(max_new_tokens=max_new_tokens, temperature=0.0)
    )
    totals: dict[str, float] = {}
    for example, generation in zip(examples, generations, strict=True):
        for name, value in data.score(generation.text, example["messages"][-1]["content"]).items():
            totals[name] = totals.get(name, 0.0) + value
    metrics = {name: total / len(examples) for name, total in totals.items()}
    low, high = wilson_interval(totals["accuracy"], len(examples))
    return metrics | {"accuracy_low": low, "accuracy_high": high, "num_examples": float(len(examples))}
