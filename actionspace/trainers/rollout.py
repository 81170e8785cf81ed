"""Collecting LLM-agent experience as Transitions, for every actor-critic trainer (SoLS and its baselines).

Episodes run through the shared scheduling loop (`envs.episodes.run_episodes`); a recorder turns each
step, together with the policy's prompt and generation for it, into a :class:`Transition` carrying the
behaviour log-probability and token ids. When an episode ends, its success is written on all of its
transitions: with binary terminal success and gamma = 1 (SoLS), that is every step's return. A step whose
output was not a valid action also carries the env's penalty for it (its own step reward), so a model
that writes non-actions is pushed away from them rather than merely not rewarded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import count

import gymnasium as gym

from actionspace.agents.text_policy import TextPolicy
from actionspace.agents.transition import Transition
from actionspace.envs.episodes import Episode, StepRecord, run_episodes
from actionspace.envs.gui.schema import parse_action


class TransitionRecorder:
    """An ``on_step`` hook for :func:`run_episodes` that records the episodes of a :class:`TextPolicy`."""

    def __init__(self, policy: TextPolicy) -> None:
        self.policy = policy
        self.episodes: list[list[Transition]] = []
        self._open: dict[int, list[Transition]] = {}
        self._ids = count()

    def __call__(self, record: StepRecord) -> None:
        generation = self.policy.last_generations[record.slot]
        assert generation is not None, "a recorded step is an active slot's"
        if record.step == 0:
            self._open[record.slot] = []
        parsed = parse_action(generation.text)
        invalid = bool(record.info.get("invalid_action"))
        done = record.terminated or record.truncated
        transitions = self._open[record.slot]
        episode_id = transitions[0].episode_id if transitions else f"{record.template}/{record.seed}/{next(self._ids)}"
        transitions.append(
            Transition(
                task_id=record.template,
                episode_id=episode_id,
                step=record.step,
                prompt=self.policy.last_prompts[record.slot],
                action_text=generation.text,
                action=None if invalid or parsed.action is None else parsed.action.to_dict(),
                reward=float(record.reward),
                done=done,
                success=False,
                behavior_logprob=generation.logprob,
                action_token_ids=list(generation.token_ids),
            )
        )
        if done:
            success = bool(record.info.get("success"))
            for transition in transitions:
                transition.success = success
                # An invalid step's own reward is -penalty (it cannot be the successful last step).
                penalty = min(transition.reward, 0.0) if transition.action is None else 0.0
                transition.return_ = float(success) + penalty
            self.episodes.append(self._open.pop(record.slot))


def collect_transitions(
    make_env: Callable[[int], gym.Env], policy: TextPolicy, jobs: Sequence[tuple[str, int]], *, num_envs: int = 8
) -> tuple[list[list[Transition]], list[Episode]]:
    """Runs the ``(template, seed)`` jobs with ``policy``; returns each episode's transitions and summaries."""
    recorder = TransitionRecorder(policy)
    episodes = run_episodes(make_env, policy, jobs, num_envs=num_envs, on_step=recorder)
    return recorder.episodes, episodes
