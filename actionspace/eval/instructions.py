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
    """Mean of the data set's per-example scores, with a 95% Wilson interval on each score that is 0 or 1
    per example (accuracy, validity).

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
    binary: dict[str, bool] = {}
    for example, generation in zip(examples, generations, strict=True):
        for name, value in data.score(generation.text, example["messages"][-1]["content"]).items():
            totals[name] = totals.get(name, 0.0) + value
            binary[name] = binary.get(name, True) and value in (0.0, 1.0)
    metrics = {name: total / len(examples) for name, total in totals.items()}
    for name in [n for n in totals if binary[n]]:
        metrics[f"{name}_low"], metrics[f"{name}_high"] = wilson_interval(int(totals[name]), len(examples))
    return metrics | {"num_examples": float(len(examples))}
