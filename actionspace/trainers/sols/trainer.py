"""SoLS (+ STR) and its baselines: collect episodes with the current policy, then update on them.

One `Run` step is one iteration: ``episodes_per_iteration`` on-policy episodes (sampled at
``temperature``), plus ``str_samples`` replayed successful transitions, become one batch of Transitions;
each is scored by the learner (log pi, V), and the loss picked by ``loss`` (`losses.LOSSES`) is minimised
over minibatches. The return of every step is its episode's binary success (gamma = 1), minus the env's
invalid-action penalty on steps whose output was not an action (`Transition.return_`).
"""

from __future__ import annotations

import functools
import random
from pathlib import Path
from typing import Any

import torch

from actionspace.agents.policy import LLMPolicy
from actionspace.agents.reference import ReferencePolicy, kl_penalty
from actionspace.agents.text_policy import TextPolicy
from actionspace.agents.transition import Transition
from actionspace.core.history import EnvStepCounter, EvalHistory
from actionspace.core.models import load_model
from actionspace.core.registry import TRAINERS
from actionspace.core.run import METRICS_FILE, Run
from actionspace.core.seeding import seeded_draws
from actionspace.envs.episodes import run_episodes
from actionspace.eval.gui import summarise
from actionspace.eval.plots import plot_curves, read_curve
from actionspace.serving.engine import Engine, SamplingParams
from actionspace.serving.factory import build_run_engine, sync_engine
from actionspace.serving.parity import engine_parity
from actionspace.trainers.rollout import collect_transitions
from actionspace.trainers.sols.config import SoLSConfig
from actionspace.trainers.sols.losses import LOSSES, sols_loss
from actionspace.trainers.sols.replay import SuccessfulTransitionReplay
from actionspace.trainers.updates import IterationUpdates, export_policy

EVAL_EPISODE_SEED = 10_000
"""Evaluation episodes take seeds from here on; sampled evaluation draws from it plus the run's seed."""


@TRAINERS.register("sols")
class SoLSTrainer:
    """Args:
    config: the SoLS config.
    run: the run owning the accelerator, checkpoints and logging.
    policy: the LLM policy (language model + value head).
    """

    config_class = SoLSConfig

    @property
    def results_title(self) -> str:
        return f"{self._eval_mode} success on {self.config.eval_env.describe()}"

    @property
    def _eval_mode(self) -> str:
        temperature = self.config.eval_temperature
        return "greedy" if temperature == 0 else f"sampled at temperature {temperature:g}"

    def __init__(self, config: SoLSConfig, run: Run, *, policy: LLMPolicy) -> None:
        self.config = config
        self.run = run
        self.policy = policy
        self.loss_fn = LOSSES[config.loss]
        if config.positive_ratio_cap > 0:
            self.loss_fn = functools.partial(sols_loss, positive_ratio_cap=config.positive_ratio_cap)
        self.replay = SuccessfulTransitionReplay(config.str_capacity_per_task)
        self.history = EvalHistory()
        self.env_steps = EnvStepCounter()
        head = list(policy.value_head.parameters())
        body = [p for p in policy.parameters() if p.requires_grad and all(p is not h for h in head)]
        self.optimizer = torch.optim.AdamW(
            [{"params": body, "lr": config.learning_rate}, {"params": head, "lr": config.value_head_learning_rate}]
        )
        self._engine: Engine | None = None
        self._reference = ReferencePolicy(policy) if config.kl_coef > 0 else None
        self.templates = config.env.template_names()
        self.eval_templates = config.eval_env.template_names()

    @classmethod
    def from_config(cls, config: SoLSConfig, run: Run) -> SoLSTrainer:
        model, tokenizer = load_model(config.model)
        policy = LLMPolicy(model, tokenizer)
        value_head = Path(config.model.path or "") / "value_head.pt"
        if config.model.path and value_head.is_file():  # continue from a saved actor-critic
            policy.value_head.load_state_dict(torch.load(value_head, weights_only=True))
        return cls(config, run, policy=policy)

    # ----------------------------------------------------------------------------------------------
    def train(self) -> dict[str, dict[str, float]]:
        run, config = self.run, self.config
        self.policy, self.optimizer = run.prepare(self.policy, self.optimizer)
        run.register_for_checkpointing(self.replay, self.history, self.env_steps)
        if run.restore() == 0:
            self.history.before = self.evaluate()
            run.log({f"eval/{k}": v for k, v in self.history.before.items()}, step=0)
        for iteration in run.steps(config.iterations):
            episodes, rollout_metrics = self._collect(iteration)
            on_policy = [t for episode in episodes for t in episode]
            batch = list(on_policy)
            if config.use_str:
                # Replay is sampled before this iteration's successes enter it: it carries past experience.
                rng = random.Random(f"str/{run.config.seed}/{iteration}")
                batch += self.replay.sample(config.str_samples, rng, per_task=config.str_sampling == "task")
                for episode in episodes:
                    self.replay.add_episode(episode)
            parity = engine_parity(run.unwrap(self.policy), on_policy, config.engine, run.print)
            if self._reference is not None:
                self._add_reference_logprobs(batch, self._reference)
            metrics = self._update(batch, iteration)
            learner: Any = run.unwrap(self.policy)
            metrics |= sync_engine(self.engine, learner.model, config.engine)
            run.log(rollout_metrics | parity | metrics | {"train/str_size": float(len(self.replay))})
            if config.eval_every and run.step % config.eval_every == 0 and run.step < config.iterations:
                run.log({f"eval/{k}": v for k, v in self.evaluate().items()})
        after = self.evaluate()
        run.log({f"eval/{k}": v for k, v in after.items()})
        self.save_pretrained()
        self.plot_learning_curve()
        return {"before": self.history.before, "after": after}

    @property
    def engine(self) -> Engine:
        """Built on first use, i.e. after a restore, so that a vLLM engine starts from the restored weights."""
        if self._engine is None:
            self._engine = build_run_engine(self.config.engine, self.run, self.policy)
        return self._engine

    def _text_policy(self, temperature: float) -> TextPolicy:
        learner: Any = self.run.unwrap(self.policy)
        sampling = SamplingParams(max_new_tokens=self.config.max_new_tokens, temperature=temperature)
        return TextPolicy(self.engine, learner.tokenizer, sampling=sampling)

    @torch.no_grad()
    def _add_reference_logprobs(self, batch: list[Transition], reference: ReferencePolicy) -> None:
        """Scores the actions that lack them under the reference policy, once: replayed transitions keep theirs."""
        missing = [t for t in batch if t.reference_token_logprobs is None]
        learner: Any = self.run.unwrap(self.policy)
        size = self.config.minibatch_size
        for start in range(0, len(missing), size):
            chosen = missing[start : start + size]
            scores = reference.score(learner, [t.prompt for t in chosen], [t.action_token_ids for t in chosen])
            for transition, logprobs in zip(chosen, scores.action_token_logprobs(), strict=True):
                transition.reference_token_logprobs = logprobs

    def _collect(self, iteration: int) -> tuple[list[list[Transition]], dict[str, float]]:
        rng = random.Random(f"rollout/{self.run.process_seed}/{iteration}")
        jobs = [(rng.choice(self.templates), rng.randrange(2**31)) for _ in range(self.config.episodes_per_iteration)]
        transitions, episodes = collect_transitions(
            lambda _: self.config.env.make(),
            self._text_policy(self.config.temperature),
            jobs,
            num_envs=self.config.num_envs,
        )
        steps = sum(e.steps for e in episodes)
        return transitions, {
            "rollout/env_steps": float(self.env_steps.add(steps)),
            "rollout/success_rate": sum(e.success for e in episodes) / len(episodes),
            "rollout/ep_len_mean": steps / len(episodes),
            "rollout/invalid_rate": sum(e.invalid_actions for e in episodes) / max(steps, 1),
        }

    def _update(self, batch: list[Transition], iteration: int) -> dict[str, float]:
        config, run = self.config, self.run
        order = list(range(len(batch)))
        updates = IterationUpdates(
            run, self.policy, self.optimizer, max_grad_norm=config.max_grad_norm, iteration=iteration
        )
        self.policy.train()
        for _ in range(config.epochs):
            random.Random(f"minibatches/{run.config.seed}/{iteration}/{updates.updates}").shuffle(order)
            for start in run.minibatch_starts(len(order), config.minibatch_size):
                chosen = [batch[i] for i in order[start : start + config.minibatch_size]]
                scores = self.policy([t.prompt for t in chosen], [t.action_token_ids for t in chosen])
                device = scores.logprobs.device
                output = self.loss_fn(
                    scores.logprobs,
                    torch.tensor([t.behavior_logprob for t in chosen], device=device),
                    scores.values,
                    torch.tensor([t.return_ for t in chosen], device=device),
                    clip_eps=config.clip_eps,
                    value_coef=config.value_coef,
                )
                if config.kl_coef > 0:
                    reference = torch.zeros_like(scores.token_logprobs)
                    reference[scores.action_mask] = torch.tensor(
                        [x for t in chosen for x in t.reference_token_logprobs or []], device=device
                    )
                    kl = kl_penalty(scores.token_logprobs, reference, scores.action_mask)
                    output.loss = output.loss + config.kl_coef * kl
                    output.diagnostics["kl"] = kl.detach()
                updates.apply(output)
        return updates.metrics() | {"train/batch_size": float(len(batch))}

    # ----------------------------------------------------------------------------------------------
    def evaluate(self) -> dict[str, float]:
        """Episodes on the evaluation tasks (main process), greedy or at ``eval_temperature``: success (with
        its Wilson interval), invalid rate, and ``success_rate/<template>`` for each task, as AndroidWorld
        reports per-task success."""
        metrics: dict[str, float] = {}
        if self.run.is_main:
            jobs = [
                (t, EVAL_EPISODE_SEED + i)
                for t in self.eval_templates
                for i in range(self.config.eval_episodes_per_template)
            ]
            with seeded_draws(EVAL_EPISODE_SEED + self.run.config.seed):
                episodes = run_episodes(
                    lambda _: self.config.eval_env.make(),
                    self._text_policy(self.config.eval_temperature),
                    jobs,
                    num_envs=self.config.num_envs,
                )
            rows = summarise(episodes)
            overall = rows.pop("all")
            metrics = {
                "success_rate": overall["success"],
                "success_rate_low": overall["success_low"],
                "success_rate_high": overall["success_high"],
                "invalid_rate": overall["invalid_rate"],
                "episodes": overall["episodes"],
            } | {f"success_rate/{template}": row["success"] for template, row in rows.items()}
        self.run.accelerator.wait_for_everyone()
        return metrics

    def plot_learning_curve(self) -> None:
        """``learning_curve.png`` in the run directory: evaluation success (with its interval) and
        rollout success, against environment steps."""
        if self.run.is_main:
            metrics = self.run.output_dir / METRICS_FILE
            curves = {
                f"eval success ({self._eval_mode})": read_curve(metrics, "eval/success_rate"),
                "rollout success (sampled)": read_curve(metrics, "rollout/success_rate"),
            }
            title = f"{self.config.loss}{' + STR' if self.config.use_str else ''} on {self.config.eval_env.describe()}"
            plot_curves(
                curves, self.run.output_dir / "learning_curve.png", xlabel="env steps", ylabel="success", title=title
            )

    def save_pretrained(self) -> None:
        """The language model and tokenizer to ``<run dir>/model``, the value head beside them."""
        export_policy(self.run, self.policy, with_value_head=True)
