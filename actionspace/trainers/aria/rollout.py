"""Self-play data for ARIA: games played by a text policy, as Transitions plus the history each action
answered (the transcript, optionally after the agent's private information; ARIA embeds it beside the
action) and the counterpart's reply it answered (the observations of ARIA's intention paths).

Games give their reward at the end. Each step's return is that reward discounted to the step,
gamma^(T-1-t) R (the card's "discounted return"; gamma = 1 gives every step the game's reward). With an
``invalid_penalty`` p, a move the game could not use also has its own reward -p, so the returns are
G_t = gamma^(T-1-t) R - p sum_{k >= t} gamma^(k-t) 1[move k invalid] (SoLS lowers an invalid step's own
return alone; a discounted return carries the penalty back to earlier moves too). The
transition's ``reward`` stays the game's (the score), only ``return_`` is shaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import gymnasium as gym

from actionspace.agents.transition import Transition
from actionspace.envs.episodes import Episode, StepRecord, run_episodes
from actionspace.serving.engine import Generation


@dataclass
class GameSample:
    transition: Transition
    """Prompt, action text and token ids, behaviour log-prob, and the discounted return in ``return_``."""
    history: str
    """The conversation before the action (the observation's ``transcript``), after the agent's private
    information (``private``) when the recorder was asked for it."""
    seed: int
    """The game's seed: with the game's earlier moves it rebuilds the game at this move (`game_check`)."""
    reply: str = ""
    """What the action answered since the agent's previous move: the counterpart's messages (its opening
    before the first move, led by the agent's private information when the recorder was asked for it). A
    game's moves and replies, clustered, are its intention path (`intention.IntentionPaths`)."""


def history_text(observation: dict[str, Any], with_private: bool) -> str:
    """The history ARIA embeds for a game observation: its transcript, after the agent's private
    information when ``with_private`` (and the game has any)."""
    return _after_private(str(observation["transcript"]), observation, with_private)


def reply_text(observation: dict[str, Any], with_private: bool) -> str:
    """What a move answers: the counterpart's messages since the agent's previous move; at the first move,
    after the agent's private information when ``with_private`` (what the agent knew before it spoke)."""
    reply = str(observation.get("reply", ""))
    return _after_private(reply, observation, with_private) if observation.get("turn", 0) == 0 else reply


def _after_private(text: str, observation: dict[str, Any], with_private: bool) -> str:
    private = str(observation.get("private", "")) if with_private else ""
    return "\n".join(part for part in (private, text) if part)


class RecordingPolicy(Protocol):
    """A policy that keeps the prompts and generations of its last ``act`` (`TextPolicy`, `ScriptedPlayer`)."""

    last_prompts: list[str]
    last_generations: list[Generation | None]  # None at idle slots

    def begin_episode(self, slot: int, env: gym.Env) -> None: ...

    def act(self, observations: list[dict[str, Any] | None]) -> list[str | None]: ...


class GameRecorder:
    """An ``on_step`` hook for :func:`run_episodes` collecting the games of a :class:`RecordingPolicy`."""

    def __init__(
        self, policy: RecordingPolicy, gamma: float, *, with_private: bool = False, invalid_penalty: float = 0.0
    ) -> None:
        self.policy, self.gamma, self.with_private = policy, gamma, with_private
        self.invalid_penalty = invalid_penalty
        self.games: list[list[GameSample]] = []
        self._open: dict[int, list[GameSample]] = {}
        self._invalid: dict[int, list[bool]] = {}

    def __call__(self, record: StepRecord) -> None:
        generation = self.policy.last_generations[record.slot]
        assert generation is not None, "a recorded step is an active slot's"
        if record.step == 0:
            self._open[record.slot], self._invalid[record.slot] = [], []
        samples = self._open[record.slot]
        self._invalid[record.slot].append(bool(record.info.get("invalid")))
        done = record.terminated or record.truncated
        transition = Transition(
            task_id=record.template,
            episode_id=f"{record.template}/{record.seed}",
            step=record.step,
            prompt=self.policy.last_prompts[record.slot],
            action_text=generation.text,
            action=None,
            reward=float(record.reward),
            done=done,
            success=False,
            behavior_logprob=generation.logprob,
            action_token_ids=list(generation.token_ids),
        )
        observation = record.observation
        samples.append(
            GameSample(
                transition,
                history_text(observation, self.with_private),
                record.seed,
                reply_text(observation, self.with_private),
            )
        )
        if done:
            final, length = float(record.reward), len(samples)
            penalties = self._penalties_to_go(self._invalid.pop(record.slot))
            for sample, penalty in zip(samples, penalties, strict=True):
                sample.transition.success = bool(record.info.get("success"))
                sample.transition.return_ = self.gamma ** (length - 1 - sample.transition.step) * final - penalty
            self.games.append(self._open.pop(record.slot))

    def _penalties_to_go(self, invalid: list[bool]) -> list[float]:
        """p sum_{k >= t} gamma^(k-t) 1[move k invalid], for each move t of one game."""
        to_go, penalties = 0.0, []
        for was_invalid in reversed(invalid):
            to_go = self.invalid_penalty * was_invalid + self.gamma * to_go
            penalties.append(to_go)
        return penalties[::-1]


def collect_games(
    make_game: Callable[[int], gym.Env],
    policy: RecordingPolicy,
    game: str,
    seeds: Sequence[int],
    *,
    num_envs: int = 8,
    gamma: float = 1.0,
    with_private: bool = False,
    invalid_penalty: float = 0.0,
) -> tuple[list[list[GameSample]], list[Episode]]:
    """Plays one game per seed with ``policy`` (``num_envs`` at a time); returns the samples per game, their
    histories led by the agent's private information when ``with_private``, their returns lowered by
    ``invalid_penalty`` for each move the game could not use."""
    recorder = GameRecorder(policy, gamma, with_private=with_private, invalid_penalty=invalid_penalty)
    episodes = run_episodes(make_game, policy, [(game, seed) for seed in seeds], num_envs=num_envs, on_step=recorder)
    return recorder.games, episodes
