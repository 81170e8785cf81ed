"""ARIA (offline) and its baselines: self-play games with the current policy, then REINFORCE on them.

One `Run` step is one iteration: ``games_per_iteration`` games played by the policy (sampled at
``temperature``) against the game's counterpart; every move becomes a sample with its transcript and its
discounted return; the advantage chosen by ``advantage`` is computed over the whole batch (ARIA: embed
moves and transcripts, cluster, pick k by SplitScore, aggregate); then `losses.reinforce_loss` is
minimised over minibatches. Returns are divided by the batch's largest |return| (or a lower quantile of
the magnitudes, ``return_scale_quantile``) so that SplitScore's epsilon and the learning rate mean the
same in every game (surplus in dollars, points, or win/loss).

Online ARIA (``advantage=aria_online``) computes R~ the same way, then fits `IntentionRewardModel` to it
(warm-started each iteration) and, instead of the recorded moves, updates on ``online_samples`` fresh
moves per self-play history, sampled by the current policy just before each minibatch and scored by
the reward model, with their mean score as the baseline, and no SFT term. ``online_move_check`` has
the game check each fresh move first (`game_check`): one its rules reject ranks with its group's worst
usable move, and with ``play`` one that ends the game is scored by the game's reward. The reward model is
fit to R~ even with ``history_baseline`` (a group's mean is already each fresh move's baseline). An
iteration whose reward model explains no more than ``online_min_r2`` of R~'s variance on held-out
self-play games updates on the recorded moves with the aggregated advantage instead (offline ARIA's
update).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from actionspace.agents.policy import LLMPolicy
from actionspace.agents.reference import ReferencePolicy, kl_penalty
from actionspace.agents.text_policy import TextPolicy, render_prompt
from actionspace.core.history import EvalHistory
from actionspace.core.models import load_model
from actionspace.core.registry import TRAINERS
from actionspace.core.run import Run
from actionspace.core.seeding import seeded_draws
from actionspace.envs.language.base import LanguageGame
from actionspace.serving.engine import Engine, SamplingParams
from actionspace.serving.factory import build_run_engine, sync_engine
from actionspace.serving.parity import engine_parity
from actionspace.trainers.aria.config import ARIAConfig
from actionspace.trainers.aria.game_check import MoveOutcome, checked_scores, play_moves, read_moves, replay
from actionspace.trainers.aria.intention import (
    IntentionPaths,
    IntentionTree,
    aggregate_rewards,
    alone_fraction,
    choose_k,
    history_values,
    split_scores,
)
from actionspace.trainers.aria.losses import reinforce_loss
from actionspace.trainers.aria.reward_model import IntentionRewardModel, fit_reward_model
from actionspace.trainers.aria.rollout import GameSample, collect_games, history_text
from actionspace.trainers.updates import IterationUpdates, export_policy

EVAL_SEED_OFFSET = 1_000_000  # evaluation games never share a seed with self-play games


@dataclass(frozen=True)
class _History:
    """A self-play history at which online ARIA samples fresh moves."""

    prompt: str
    history: str
    seed: int
    earlier_moves: tuple[str, ...]


def _returns(samples: list[GameSample]) -> np.ndarray:
    return np.array([s.transition.return_ for s in samples], dtype=np.float64)


def history_clusters(
    samples: list[GameSample],
    history: str,
    actions: IntentionTree,
    tree: Callable[[list[str]], IntentionTree],
) -> IntentionTree | IntentionPaths:
    """What SplitScore cuts as the moves' histories (``ARIAConfig.history``): a tree over their transcripts,
    or their paths of intentions over a tree of the replies and ``actions``. ``tree`` clusters texts."""
    if history == "intention_path":
        first_move = np.array([s.transition.step == 0 for s in samples])
        return IntentionPaths(tree([s.reply for s in samples]), actions, first_move)
    return tree([s.history for s in samples])


def return_scale(returns: np.ndarray, quantile: float) -> float:
    """The ``quantile`` of the returns' nonzero magnitudes (1.0: the largest |return|), or 1 when all are 0.
    Zeros are left out of the quantile: in the guessing games most moves belong to lost games and return 0."""
    magnitudes = np.abs(returns[returns != 0])
    return float(np.quantile(magnitudes, quantile)) if magnitudes.size else 1.0


def scale_returns(returns: np.ndarray, quantile: float) -> np.ndarray:
    """Returns divided by their `return_scale`."""
    return returns / return_scale(returns, quantile)


@TRAINERS.register("aria")
class ARIATrainer:
    """Args:
    config: the ARIA config.
    run: the run owning the accelerator, checkpoints and logging.
    policy: the LLM policy (its value head is unused: ARIA has no critic).
    """

    config_class = ARIAConfig

    @property
    def results_title(self) -> str:
        return f"{self.config.game.name}: mean reward and win rate over {self.config.eval_games} held-out games"

    def __init__(self, config: ARIAConfig, run: Run, *, policy: LLMPolicy) -> None:
        self.config = config
        self.run = run
        self.policy = policy
        policy.value_head.requires_grad_(False)
        self.history = EvalHistory()
        self.optimizer = torch.optim.AdamW([p for p in policy.parameters() if p.requires_grad], lr=config.learning_rate)
        self.reference = ReferencePolicy(policy) if config.kl_coef > 0 else None
        self._embedder: Any = None
        self.reward_model: IntentionRewardModel | None = None
        self.reward_optimizer: torch.optim.Optimizer | None = None
        self._engine: Engine | None = None

    @classmethod
    def from_config(cls, config: ARIAConfig, run: Run) -> ARIATrainer:
        model, tokenizer = load_model(config.model)
        return cls(config, run, policy=LLMPolicy(model, tokenizer))

    # ----------------------------------------------------------------------------------------------
    def train(self) -> dict[str, dict[str, float]]:
        run, config = self.run, self.config
        self.policy, self.optimizer = run.prepare(self.policy, self.optimizer)
        run.register_for_checkpointing(self.history)
        if config.advantage == "aria_online":
            self.reward_model = IntentionRewardModel(self._embedding_model().dimension, config.reward_model_hidden)
            self.reward_optimizer = torch.optim.AdamW(
                self.reward_model.parameters(), lr=config.reward_model_learning_rate
            )
            run.register_for_checkpointing(self.reward_model, self.reward_optimizer)
        if run.restore() == 0:
            self.history.before = self.evaluate()
            run.log({f"eval/{k}": v for k, v in self.history.before.items()}, step=0)
        for iteration in run.steps(config.iterations):
            samples, rollout_metrics = self.self_play(iteration)
            # The engine's log-probs against the learner's, before the update changes the learner.
            moves = [sample.transition for sample in samples]
            rollout_metrics |= engine_parity(run.unwrap(self.policy), moves, config.engine, run.print)
            if config.advantage == "aria_online":
                metrics = self._online_iteration(samples, iteration)
            else:
                advantages, metrics = self.advantages(samples)
                metrics |= self.update(samples, advantages, iteration)
            run.log(rollout_metrics | metrics)
        after = self.evaluate()
        run.log({f"eval/{k}": v for k, v in after.items()})
        self.save_pretrained()
        return {"before": self.history.before, "after": after}

    @property
    def engine(self) -> Engine:
        """Built on first use, i.e. after a restore, so that a vLLM engine starts from the restored weights."""
        if self._engine is None:
            self._engine = build_run_engine(self.config.engine, self.run, self.policy)
        return self._engine

    def _sync_engine(self) -> dict[str, float]:
        """The learner's weights into the engine after an update (nothing to do for HF, which shares them)."""
        learner: Any = self.run.unwrap(self.policy)
        return sync_engine(self.engine, learner.model, self.config.engine)

    def _text_policy(self, temperature: float) -> TextPolicy:
        learner: Any = self.run.unwrap(self.policy)
        sampling = SamplingParams(max_new_tokens=self.config.max_new_tokens, temperature=temperature)
        return TextPolicy(self.engine, learner.tokenizer, sampling=sampling, render=render_prompt)

    def self_play(self, iteration: int) -> tuple[list[GameSample], dict[str, float]]:
        """One iteration's self-play batch (its game seeds fixed by the run's seed and ``iteration``): every
        move with its history and discounted return, and the batch's rollout metrics."""
        rng = random.Random(f"selfplay/{self.run.process_seed}/{iteration}")
        seeds = [rng.randrange(EVAL_SEED_OFFSET) for _ in range(self.config.games_per_iteration)]
        games, episodes = collect_games(
            lambda _: self.config.game.make(),
            self._text_policy(self.config.temperature),
            self.config.game.name,
            seeds,
            num_envs=self.config.num_envs,
            gamma=self.config.gamma,
            with_private=self.config.history_with_private,
            invalid_penalty=self.config.invalid_move_penalty,
        )
        rewards = [game[-1].transition.reward for game in games]
        steps = sum(e.steps for e in episodes)
        samples = [sample for game in games for sample in game]
        return samples, {
            "rollout/reward_mean": float(np.mean(rewards)),
            "rollout/win_rate": sum(e.success for e in episodes) / len(episodes),
            "rollout/invalid_rate": sum(e.invalid_actions for e in episodes) / max(steps, 1),
            "rollout/moves": float(len(samples)),
        }

    # ----------------------------------------------------------------------------------------------
    def advantages(self, samples: list[GameSample]) -> tuple[np.ndarray, dict[str, float]]:
        """The per-move advantage of the configured method (NaN marks a move filtered_bc leaves out). With several
        processes the batch is every process's games (the return scale, the clusters, R~, the best games)."""
        everyone, mine = self.run.gather_batch(samples)
        advantages, metrics = self._batch_advantages(everyone)
        return advantages[mine], metrics

    def _batch_advantages(self, samples: list[GameSample]) -> tuple[np.ndarray, dict[str, float]]:
        """`advantages` over the whole batch."""
        returns = scale_returns(_returns(samples), self.config.return_scale_quantile)
        if self.config.advantage == "reinforce":
            return self._minus_baseline(returns), {}
        if self.config.advantage == "filtered_bc":
            # A game's moves are consecutive and in order: its first move starts it, its last carries its reward.
            starts = np.array([s.transition.step == 0 for s in samples])
            game = np.cumsum(starts) - 1
            last_moves = np.append(np.flatnonzero(starts)[1:], len(samples)) - 1
            finals = np.array([s.transition.reward for s in samples])[last_moves]
            keep = finals[game] >= np.quantile(finals, 1 - self.config.filter_top)
            return np.where(keep, 1.0, np.nan), {"train/kept_frac": float(keep.mean())}
        _, advantages, metrics = self._aggregated(samples, returns)
        return advantages, metrics

    def _minus_baseline(self, advantages: np.ndarray) -> np.ndarray:
        """The advantages after the configured constant baseline (``baseline``)."""
        return advantages - advantages.mean() if self.config.baseline == "batch_mean" else advantages

    def _embedding_model(self) -> Any:
        if self._embedder is None:
            from actionspace.trainers.aria.embedding import SentenceEmbedder

            self._embedder = SentenceEmbedder(number_weight=self.config.number_weight)
        return self._embedder

    def _aggregated(
        self, samples: list[GameSample], returns: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
        """R~ per move, the advantage ARIA updates with (R~, or A~ = R~ - V~ with ``history_baseline``), and
        the cut's metrics."""
        config = self.config

        def tree(texts: list[str]) -> IntentionTree:
            embeddings = self._embedding_model().encode(texts)
            return IntentionTree.build(embeddings, method=config.linkage, metric=config.metric)

        actions = tree([s.transition.action_text for s in samples])
        histories = history_clusters(samples, config.history, actions, tree)
        k_max = max(1, min(config.k_max, actions.num_leaves - 1, histories.num_leaves - 1))
        scores = split_scores(histories, actions, returns, k_max)
        k = choose_k(scores, epsilon=config.split_epsilon, tau=config.split_tau)
        if k == 1 < k_max:  # (with k_max = 1 there are too few distinct moves; epsilon is not the cause)
            # Seen in Twenty Questions: 1 game in 9 won, so every early split moves R~ by less than epsilon.
            self.run.print(
                "warning: SplitScore chose k = 1 (one intention), so R~ credits no move over another after the "
                "same history (with transcript histories every move gets the batch's mean return, and the "
                "policy-gradient term raises or lowers every sampled move's likelihood alike). Sparse or "
                "near-constant returns do this; a smaller "
                f"split_epsilon (now {config.split_epsilon}) finds a finer cut."
            )
        elif k == config.k_max < min(actions.num_leaves, histories.num_leaves) - 1:
            # Seen in bargaining (256 games, 601 distinct moves): R~ settled only at k = 129.
            self.run.print(
                f"warning: SplitScore found no plateau up to k_max = {config.k_max}, so R~ uses that cut, coarser "
                "than the rule would choose. A larger k_max lets it find one."
            )
        history_labels, action_labels = histories.cut(k), actions.cut(k)
        aggregated = aggregate_rewards(history_labels, action_labels, returns)
        advantages = aggregated - history_values(history_labels, returns) if config.history_baseline else aggregated
        advantages = self._minus_baseline(advantages)
        return (
            aggregated,
            advantages,
            {
                "train/k": float(k),
                "train/distinct_moves": float(actions.num_leaves),
                "train/history_groups": float(len(np.unique(history_labels))),
                "train/moves_alone": alone_fraction(history_labels, action_labels),
            },
        )

    def update(self, samples: list[GameSample], advantages: np.ndarray, iteration: int) -> dict[str, float]:
        """One iteration's REINFORCE update on the recorded moves with these advantages (a NaN leaves its move
        out), in minibatches whose order is fixed by the run's seed and ``iteration``, then the engine synced;
        returns its metrics. `train` runs `self_play`, `advantages` and this in turn."""
        config, run = self.config, self.run
        order = [i for i in range(len(samples)) if not np.isnan(advantages[i])]
        updates = IterationUpdates(
            run, self.policy, self.optimizer, max_grad_norm=config.max_grad_norm, iteration=iteration
        )
        self.policy.train()
        for epoch in range(config.epochs):
            random.Random(f"minibatches/{run.config.seed}/{iteration}/{epoch}").shuffle(order)
            for start in run.minibatch_starts(len(order), config.minibatch_size):
                chosen = order[start : start + config.minibatch_size]
                moves = [samples[i].transition for i in chosen]
                self._reinforce_step(
                    updates,
                    [t.prompt for t in moves],
                    [t.action_token_ids for t in moves],
                    advantages[chosen],
                    np.array([t.behavior_logprob for t in moves]),
                    config.sft_coef,
                )
        return updates.metrics() | self._sync_engine()

    def _reinforce_step(
        self,
        updates: IterationUpdates,
        prompts: list[str],
        token_ids: list[list[int]],
        advantages: np.ndarray,
        behavior_logprobs: np.ndarray,
        sft_coef: float,
    ) -> None:
        """One minibatch of `reinforce_loss` (with an SFT term of weight ``sft_coef``, the KL anchor with
        ``kl_coef``, and clipped with ``clip_eps`` on the ratio to the players' ``behavior_logprobs``) on these
        moves."""
        scores = self.policy(prompts, token_ids)
        device = scores.logprobs.device
        output = reinforce_loss(
            scores.logprobs,
            torch.tensor(advantages, dtype=torch.float32, device=device),
            scores.num_tokens.to(scores.logprobs.dtype),
            sft_coef=sft_coef,
            behavior_logprobs=torch.tensor(behavior_logprobs, dtype=scores.logprobs.dtype, device=device),
            clip_eps=self.config.clip_eps,
        )
        if self.reference is not None:
            learner: Any = self.run.unwrap(self.policy)
            reference = self.reference.score(learner, prompts, token_ids)
            kl = kl_penalty(scores.token_logprobs, reference.token_logprobs, scores.action_mask)
            output.loss = output.loss + self.config.kl_coef * kl
            output.diagnostics["kl"] = kl.detach()
        updates.apply(output)

    def _online_iteration(self, samples: list[GameSample], iteration: int) -> dict[str, float]:
        """Fits the reward model to R~ (A~'s baseline is redundant there: each fresh move's baseline is its
        group's mean), then updates on fresh moves, or on the recorded ones when the model has no skill."""
        everyone, mine = self.run.gather_batch(samples)  # R~ and the reward model over every process's games
        raw = _returns(everyone)
        scale = return_scale(raw, self.config.return_scale_quantile)
        aggregated, advantages, metrics = self._aggregated(everyone, raw / scale)
        metrics |= self._fit_reward_model(everyone, aggregated, iteration)
        # NaN (no held-out spread to judge by) keeps the fresh-move update the config asked for.
        skilled = not metrics["reward_model/holdout_r2"] <= self.config.online_min_r2
        if skilled:
            update = self._online_update(samples, iteration, scale)
        else:
            update = self.update(samples, advantages[mine], iteration)
        return metrics | update | {"online/fallback": float(not skilled)}

    def _fit_reward_model(self, samples: list[GameSample], targets: np.ndarray, iteration: int) -> dict[str, float]:
        """Regresses R~ on ``samples``, every process's moves (the same on every process, as is the seed: every
        process fits the same model)."""
        assert self.reward_model is not None and self.reward_optimizer is not None
        embed = self._embedding_model().encode
        return fit_reward_model(
            self.reward_model,
            self.reward_optimizer,
            embed([s.history for s in samples]),
            embed([s.transition.action_text for s in samples]),
            np.asarray(targets, dtype=np.float64),
            np.array([s.transition.episode_id for s in samples]),
            epochs=self.config.reward_model_epochs,
            holdout=self.config.reward_model_holdout,
            seed=self.run.config.seed * 10_000 + iteration,
        )

    def _online_update(self, samples: list[GameSample], iteration: int, scale: float) -> dict[str, float]:
        """REINFORCE on fresh moves at the self-play histories, scored by the reward model and checked by the
        game (`game_check`); ``scale`` is the batch's return scale, which the game's rewards are divided by."""
        config, run = self.config, self.run
        assert self.reward_model is not None
        contexts = self._replayable_histories(samples)
        rng = random.Random(f"online/{run.process_seed}/{iteration}")
        contexts = rng.sample(contexts, min(config.online_histories, len(contexts)))
        check = {"rules": read_moves, "play": play_moves}.get(config.online_move_check)
        games = [self._replayed(context) if check is not None else None for context in contexts]
        group = config.online_samples
        per_minibatch = max(1, config.minibatch_size // group)
        sampling = SamplingParams(max_new_tokens=config.max_new_tokens, temperature=config.temperature)
        updates = IterationUpdates(
            run, self.policy, self.optimizer, max_grad_norm=config.max_grad_norm, iteration=iteration
        )
        embed = self._embedding_model().encode
        scored: list[float] = []
        distinct: list[float] = []
        outcomes: list[MoveOutcome] = []
        sync: dict[str, float] = {}
        self.policy.train()
        for _ in range(config.epochs):
            for start in run.minibatch_starts(len(contexts), per_minibatch):
                chunk, chunk_games = contexts[start : start + per_minibatch], games[start : start + per_minibatch]
                prompts = [context.prompt for context in chunk for _ in range(group)]
                generations = self.engine.generate(prompts, sampling)
                moves = [g.text for g in generations]
                model_scores = self.reward_model.score(
                    embed([context.history for context in chunk for _ in range(group)]), embed(moves)
                ).reshape(len(chunk), group)
                rewards = np.empty_like(model_scores)
                for row, game in enumerate(chunk_games):
                    at_history = moves[row * group : (row + 1) * group]
                    checked = check(game, at_history) if check is not None and game is not None else [None] * group
                    rewards[row] = checked_scores(model_scores[row], checked, scale)
                    outcomes.extend(o for o in checked if o is not None)
                advantages = (rewards - rewards.mean(axis=1, keepdims=True)).reshape(-1)
                # No SFT term: imitating the policy's own fresh samples adds no information, and its per-token
                # normalisation favours short moves; online it shrank a negotiator's moves to "." in one iteration.
                # Sampled from the current weights just now, so their ratio starts at 1 (up to numerics).
                behavior = np.array([g.logprob for g in generations])
                token_ids = [g.token_ids for g in generations]
                self._reinforce_step(updates, prompts, token_ids, advantages, behavior, sft_coef=0.0)
                sync = self._sync_engine()  # the next minibatch's moves come from the weights just updated
                scored.extend(model_scores.reshape(-1).tolist())
                distinct.extend(len(set(moves[i : i + group])) / group for i in range(0, len(moves), group))
        online = {
            "online/reward_model_score": float(np.mean(scored)) if scored else float("nan"),
            "online/distinct_frac": float(np.mean(distinct)) if distinct else float("nan"),
            "online/rejected_frac": float(np.mean([o.rejected for o in outcomes])) if outcomes else float("nan"),
            "online/ended_frac": float(np.mean([o.ended for o in outcomes])) if outcomes else float("nan"),
            "online/unreplayed_histories": float(sum(game is None for game in games)) if check else float("nan"),
            # Game steps beyond the self-play games' (the "play" check's), for comparisons at equal steps.
            "online/extra_game_steps": float(len(outcomes)) if config.online_move_check == "play" else 0.0,
        }
        return updates.metrics() | sync | online

    def _replayable_histories(self, samples: list[GameSample]) -> list[_History]:
        """Each distinct self-play prompt once, with what rebuilds its game: the seed and the agent's earlier
        moves (a game's samples are consecutive and in order)."""
        contexts: dict[str, _History] = {}
        earlier: list[str] = []
        for sample in samples:
            move = sample.transition
            if move.step == 0:
                earlier = []
            contexts.setdefault(move.prompt, _History(move.prompt, sample.history, sample.seed, tuple(earlier)))
            earlier.append(move.action_text)
        return list(contexts.values())

    def _replayed(self, context: _History) -> LanguageGame | None:
        """The game at ``context``, or None when the replay does not reproduce its recorded history."""
        game = replay(self.config.game.make, context.seed, context.earlier_moves)
        return game if history_text(game.observation(), self.config.history_with_private) == context.history else None

    # ----------------------------------------------------------------------------------------------
    def evaluate(self) -> dict[str, float]:
        """Held-out games (main process): mean reward with a 95% interval, win rate, invalid-move rate."""
        metrics: dict[str, float] = {}
        if self.run.is_main:
            with seeded_draws(EVAL_SEED_OFFSET + self.run.config.seed):
                metrics = self._play_held_out_games()
        self.run.accelerator.wait_for_everyone()
        return metrics

    def _play_held_out_games(self) -> dict[str, float]:
        name = self.config.game.name
        seeds = [EVAL_SEED_OFFSET + i for i in range(self.config.eval_games)]
        games, episodes = collect_games(
            lambda _: self.config.game.make(),
            self._text_policy(self.config.eval_temperature),
            name,
            seeds,
            num_envs=self.config.num_envs,
        )
        rewards = np.array([game[-1].transition.reward for game in games])
        half = 1.96 * rewards.std(ddof=1) / np.sqrt(len(rewards)) if len(rewards) > 1 else float("nan")
        steps = sum(e.steps for e in episodes)
        return {
            "reward": float(rewards.mean()),
            "reward_low": float(rewards.mean() - half),
            "reward_high": float(rewards.mean() + half),
            "win_rate": sum(e.success for e in episodes) / len(episodes),
            "invalid_rate": sum(e.invalid_actions for e in episodes) / max(steps, 1),
            "games": float(len(episodes)),
        }

    def save_pretrained(self) -> None:
        """The language model and tokenizer to ``<run dir>/model``."""
        export_policy(self.run, self.policy, with_value_head=False)
