"""`Transition`: one step of an LLM agent, the record every experience generator yields (DESIGN §2)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Transition:
    task_id: str
    """Task template (or task) the episode belongs to: replay is kept per task."""
    episode_id: str
    """Unique per episode."""
    step: int
    """Step index within the episode, from 0."""
    prompt: str
    """The rendered observation the policy answered."""
    action_text: str
    """The policy's raw output."""
    action: dict[str, Any] | None
    """The parsed JSONAction as a dict, or None when the output was not a valid action."""
    reward: float
    """Reward of this step."""
    done: bool
    """Whether the episode ended at this step."""
    success: bool
    """Whether the episode this step belongs to succeeded (filled in when the episode ends)."""
    behavior_logprob: float
    """log mu(a|s): sum of the action's token log-probabilities under the policy that produced it."""
    value: float = 0.0
    """The critic's V(s) when the step was taken (a diagnostic; learners recompute it)."""
    action_token_ids: list[int] = field(default_factory=list)
    """The generated token ids: learners recompute log pi for exactly these, not a re-tokenisation."""
    return_: float = 0.0
    """What the learner regresses V(s) on and takes the advantage from (filled in when the episode ends):
    the episode's success (gamma = 1), minus the env's invalid-action penalty when this step's output was
    not a valid action."""
    reference_token_logprobs: list[float] | None = None
    """Per-token log-probabilities of ``action_token_ids`` under the frozen reference (starting) policy,
    for a KL penalty; filled in by the learner when it uses one, and replayed with the transition."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transition:
        return cls(**data)
