"""Log-prob parity between the engine that sampled actions and the learner that scores them.

Off-policy corrections (SoLS's ratio rho = pi/mu, PPO's clip) assume the behaviour log-prob mu reported by
the engine is what the learner would compute for the same weights. A different kernel, dtype or a stale
weight sync breaks that silently; these metrics make it visible during training.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from actionspace.serving.engine import EngineConfig


def logprob_parity(engine_logprobs: Sequence[float], learner_logprobs: Sequence[float]) -> dict[str, float]:
    """Max and mean absolute difference between per-sequence log-probs of the same (prompt, action) pairs."""
    if len(engine_logprobs) != len(learner_logprobs):
        raise ValueError(f"{len(engine_logprobs)} engine log-probs but {len(learner_logprobs)} learner log-probs")
    if not engine_logprobs:
        return {}
    differences = [abs(a - b) for a, b in zip(engine_logprobs, learner_logprobs, strict=True)]
    return {
        "parity/max_abs_diff": max(differences),
        "parity/mean_abs_diff": sum(differences) / len(differences),
    }


@torch.no_grad()
def engine_parity(
    learner: Any, transitions: Sequence[Any], config: EngineConfig, warn: Callable[[str], None]
) -> dict[str, float]:
    """`logprob_parity` of the first ``config.parity_samples`` transitions (`Transition`s the engine sampled)
    against ``learner``'s (an `LLMPolicy`'s) scores of the same actions; ``warn`` gets `parity_warning`'s line
    when there is one. Call it before the update that follows their sampling, while both have the same weights."""
    chosen = list(transitions[: config.parity_samples])
    if not chosen:
        return {}
    scores = learner.score([t.prompt for t in chosen], [t.action_token_ids for t in chosen])
    metrics = logprob_parity([t.behavior_logprob for t in chosen], scores.logprobs.tolist())
    warning = parity_warning(metrics, config.parity_warn_threshold)
    if warning:
        warn(warning)
    return metrics


def parity_warning(metrics: dict[str, float], threshold: float) -> str | None:
    """A warning line when the mean difference passes ``threshold``, else None."""
    mean = metrics.get("parity/mean_abs_diff")
    if mean is None or mean <= threshold:
        return None
    return (
        f"warning: engine and learner log-probs differ by {mean:.3g} on average "
        f"(max {metrics['parity/max_abs_diff']:.3g}, threshold {threshold:g}); off-policy ratios are biased. "
        "Check the engine's dtype and that weights were synced after the last update."
    )
