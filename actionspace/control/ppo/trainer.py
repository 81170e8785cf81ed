"""The on-policy trainer shared by PPO and GenPO: vectorized collection, GAE, clipped updates on ``Run``.

The two differ only in the actor (a Gaussian here, the coupled flow in ``control/genpo``) and the
config; the loop, the loss, normalisation, checkpointing and evaluation are these.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import torch

from actionspace.control.envs import box_spaces, check_finite, final_observations, make_vector_env
from actionspace.control.episodes import EpisodeTracker
from actionspace.control.evaluate import evaluate
from actionspace.control.networks import ActionBounds, Critic, GaussianActor
from actionspace.control.normalize import ObservationNormalizer, RewardScaler
from actionspace.control.ppo.config import PPOConfig
from actionspace.control.ppo.loss import adapt_learning_rate, ppo_loss
from actionspace.control.rollout import RolloutBuffer
from actionspace.core.history import EvalHistory
from actionspace.core.registry import TRAINERS
from actionspace.core.run import Run


class ActorCritic(torch.nn.Module):
    def __init__(self, actor: torch.nn.Module, critic: Critic) -> None:
        super().__init__()
        self.actor = actor
        self.critic = critic


class LearningRate:
    """The current step size, checkpointed (the adaptive schedule's value is state, not a function of step)."""

    def __init__(self, value: float) -> None:
        self.value = value

    def state_dict(self) -> dict[str, Any]:
        return {"value": self.value}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.value = float(state["value"])


class OnPolicyTrainer:
    config_class: type = PPOConfig
    results_title = "held-out evaluation episodes"

    def __init__(self, config: PPOConfig, run: Run, *, actor: torch.nn.Module) -> None:
        self.config = config
        self.run = run
        observation_space, _ = box_spaces(config.env)
        self.obs_dim = int(np.prod(observation_space.shape))
        self.model = ActorCritic(actor, Critic(self.obs_dim, config.hidden_sizes))
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=config.learning_rate, eps=1e-5)
        self.lr = LearningRate(config.learning_rate)
        self.obs_normalizer = ObservationNormalizer((self.obs_dim,), enabled=config.normalize_observations)
        self.reward_scaler = RewardScaler(config.env.num_envs, config.gamma, enabled=config.normalize_rewards)
        self.history = EvalHistory()
        self.env_steps = 0

    @classmethod
    def build_actor(cls, config: PPOConfig, obs_dim: int, bounds: ActionBounds) -> torch.nn.Module:
        return GaussianActor(obs_dim, bounds.low.numel(), config.hidden_sizes, bounds, config.init_log_std)

    @classmethod
    def from_config(cls, config: PPOConfig, run: Run) -> OnPolicyTrainer:
        observation_space, action_space = box_spaces(config.env)
        bounds = ActionBounds(action_space.low, action_space.high)
        actor = cls.build_actor(config, int(np.prod(observation_space.shape)), bounds)
        return cls(config, run, actor=actor)

    # ----------------------------------------------------------------------------------------------
    def train(self) -> dict[str, dict[str, float]]:
        run, config = self.run, self.config
        self.model, self.optimizer = run.prepare(self.model, self.optimizer)
        run.register_for_checkpointing(self.obs_normalizer, self.reward_scaler, self.lr, self.history)
        start = run.restore()
        self.env_steps = start * config.batch_size
        if start == 0:
            self.history.before = self.evaluate()
            run.log(self.history.before | {"env_steps": 0.0}, step=0)
        # Envs are not checkpointable: a resumed run starts fresh episodes, seeded by the iteration.
        envs = make_vector_env(config.env, seed=run.process_seed * 10_007 + start)
        observations, _ = envs.reset(seed=run.process_seed * 10_007 + start)
        tracker = EpisodeTracker(config.env.num_envs)
        for iteration in run.steps(config.iterations):
            clock = time.perf_counter()
            buffer, observations = self._collect(envs, observations, tracker)
            collect_s = time.perf_counter() - clock
            metrics = self._update(buffer, iteration)
            metrics |= tracker.flush() | {
                "env_steps": float(self.env_steps),
                "perf/env_steps_per_s": config.batch_size / (time.perf_counter() - clock),
                "perf/collect_fraction": collect_s / (time.perf_counter() - clock),
            }
            if config.eval_every and run.step % config.eval_every == 0 and run.step < config.iterations:
                metrics |= self.evaluate()
            run.log(metrics)
        envs.close()
        after = self.evaluate()
        run.log(after | {"env_steps": float(self.env_steps)})
        return {"before": self.history.before, "after": after}

    @property
    def actor(self) -> Any:
        return self.run.unwrap(self.model).actor

    @property
    def critic(self) -> Critic:
        return self.run.unwrap(self.model).critic  # type: ignore[return-value]

    def act_deterministic(self, observations: np.ndarray) -> np.ndarray:
        """Env actions for raw observations (frozen normalisation): what evaluation and export use."""
        with torch.no_grad():
            obs = torch.as_tensor(self.obs_normalizer(observations), device=self.run.device)
            return self.actor.deterministic(obs).cpu().numpy()

    def act_stochastic(self, observations: np.ndarray) -> np.ndarray:
        """Env actions sampled from the policy (coverage of multimodal tasks is measured with these)."""
        with torch.no_grad():
            obs = torch.as_tensor(self.obs_normalizer(observations), device=self.run.device)
            return self.actor.sample(obs)[1].cpu().numpy()

    def evaluate(self, *, deterministic: bool = True, episodes: int | None = None) -> dict[str, float]:
        act = self.act_deterministic if deterministic else self.act_stochastic
        result = evaluate(
            act, self.config.env, episodes=episodes or self.config.eval_episodes, seed=10_000 + self.run.config.seed
        )
        self.last_eval = result
        return result.metrics()

    # ----------------------------------------------------------------------------------------------
    def _collect(
        self, envs: Any, observations: np.ndarray, tracker: EpisodeTracker
    ) -> tuple[RolloutBuffer, np.ndarray]:
        config, device = self.config, self.run.device
        actor, critic = self.actor, self.critic
        buffer = RolloutBuffer(config.rollout_steps, config.env.num_envs, self.obs_dim, actor.stored_action_dim, device)
        successors = torch.zeros_like(buffer.observations)
        with torch.no_grad():
            for t in range(config.rollout_steps):
                check_finite(observations, where="observation")
                obs = torch.as_tensor(self.obs_normalizer(observations, update=True), device=device)
                stored, env_action, log_prob = actor.sample(obs)
                next_observations, rewards, terminated, truncated, infos = envs.step(env_action.cpu().numpy())
                dones = terminated | truncated
                successor = final_observations(next_observations, dones, infos)
                check_finite(successor, where="observation")
                tracker.step(rewards, dones, infos)
                buffer.observations[t] = obs
                buffer.actions[t] = stored
                buffer.log_probs[t] = log_prob
                buffer.values[t] = critic(obs)
                successors[t] = torch.as_tensor(self.obs_normalizer(successor), device=device)
                buffer.rewards[t] = torch.as_tensor(self.reward_scaler(rewards, dones), device=device)
                buffer.terminated[t] = torch.as_tensor(terminated, device=device)
                buffer.dones[t] = torch.as_tensor(dones, device=device)
                observations = next_observations
            # Values of the true successors in one batched pass (normalised with the statistics of their step).
            buffer.next_values = critic(successors)
        self.env_steps += config.batch_size
        buffer.finish(gamma=config.gamma, gae_lambda=config.gae_lambda)
        return buffer, observations

    def _update(self, buffer: RolloutBuffer, iteration: int) -> dict[str, float]:
        config = self.config
        if config.lr_schedule == "linear":
            self.lr.value = config.learning_rate * (1.0 - iteration / config.iterations)
        generator = torch.Generator().manual_seed(self.run.config.seed * 1_000_003 + iteration)
        sums: dict[str, float] = {}
        count = skipped = 0
        previous_kl: list[float] = []
        minibatch_size = config.batch_size // config.minibatches
        for epoch in range(config.update_epochs):
            epoch_kl: list[float] = []
            if config.lr_schedule == "adaptive_kl" and epoch > 0 and previous_kl:
                # Once per epoch, from the epoch's mean KL: per-minibatch steps (rsl_rl) swing the rate by
                # 1.5^minibatches within one epoch when there are many small minibatches.
                self.lr.value = adapt_learning_rate(
                    self.lr.value, float(np.mean(previous_kl)), target_kl=config.target_kl
                )
            for batch in buffer.minibatches(minibatch_size, generator):
                for group in self.optimizer.param_groups:
                    group["lr"] = self.lr.value
                output = self._loss(batch)
                if not self.run.finite_everywhere(output.loss):
                    skipped += 1  # reported below; a NaN update is never applied
                    continue
                self.optimizer.zero_grad(set_to_none=True)
                self.run.accelerator.backward(output.loss)
                grad_norm = self.run.accelerator.clip_grad_norm_(self.model.parameters(), config.max_grad_norm)
                self.optimizer.step()
                epoch_kl.append(float(output.diagnostics["train/approx_kl"]))
                for key, value in output.diagnostics.items():
                    sums[key] = sums.get(key, 0.0) + float(value)
                sums["train/grad_norm"] = sums.get("train/grad_norm", 0.0) + float(grad_norm)
                count += 1
            previous_kl = epoch_kl
        if config.lr_schedule == "adaptive_kl" and previous_kl:
            self.lr.value = adapt_learning_rate(self.lr.value, float(np.mean(previous_kl)), target_kl=config.target_kl)
        metrics = {key: value / max(count, 1) for key, value in sums.items()}
        values, returns = buffer.values.flatten(), buffer.returns.flatten()
        metrics["train/explained_variance"] = float(1 - (returns - values).var() / (returns.var() + 1e-8))
        metrics["train/lr"] = self.lr.value
        metrics["train/skipped_nonfinite"] = float(skipped)
        if skipped:
            self.run.print(
                f"warning: iteration {iteration + 1}: {skipped} minibatch update(s) had a non-finite loss "
                "and were skipped"
            )
        return metrics

    def _loss(self, batch: dict[str, torch.Tensor]) -> Any:
        config = self.config
        model: Any = self.run.unwrap(self.model)
        new_log_probs, entropy = model.actor.log_prob_and_entropy(batch["observations"], batch["actions"])
        values = model.critic(batch["observations"])
        advantages = batch["advantages"]
        if config.normalize_advantages and advantages.numel() > 1:
            advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
        output = ppo_loss(
            new_log_probs,
            batch["log_probs"],
            advantages,
            values,
            batch["values"],
            batch["returns"],
            entropy,
            clip=config.clip,
            value_coef=config.value_coef,
            entropy_coef=config.entropy_coef,
            clip_value=config.clip_value,
        )
        for name, (weight, term) in model.actor.auxiliary_losses(batch["observations"]).items():
            output.loss = output.loss + weight * term
            output.diagnostics[f"train/{name}"] = term.detach()
        output.diagnostics["train/loss"] = output.loss.detach()
        return output


@TRAINERS.register("ppo")
class PPOTrainer(OnPolicyTrainer):
    """Gaussian PPO: the reference the other control methods are measured against."""

    config_class = PPOConfig
