"""CQN-AS: off-policy coarse-to-fine Q-learning over action sequences, with demonstrations, on ``Run``.

One ``Run`` step is one step of the vector env followed by one critic update (after
``learning_starts``). Each update samples n-step transitions with the K actions that followed (half
from the demonstrations by default), builds the C51 target from the target critic at the online
critic's greedy next sequence, and applies :func:`cqn_loss`.
"""

from __future__ import annotations

import copy
import time
from collections import deque
from typing import Any

import numpy as np
import torch

from actionspace.control.cqn_as.config import CQNASConfig
from actionspace.control.cqn_as.discretize import decode_action, encode_action
from actionspace.control.cqn_as.loss import cqn_loss, project_distribution
from actionspace.control.cqn_as.network import CoarseToFineCritic
from actionspace.control.demos import EPISODE_KEYS, append_episode, demo_buffer, generate_demos
from actionspace.control.envs import box_spaces, check_finite, final_info, final_observations, make_vector_env
from actionspace.control.episodes import EpisodeTracker
from actionspace.control.evaluate import evaluate
from actionspace.control.replay import ReplayBuffer, to_tensors
from actionspace.core.history import EvalHistory
from actionspace.core.registry import TRAINERS
from actionspace.core.run import Run


class SequenceExecutor:
    """Turns predicted action sequences into one action per step for each env.

    ``ensemble`` keeps the last K predictions and averages those that cover the current step with
    weights exp(-decay * age) (oldest first, as ACT); ``chunk`` plays a sequence to its end.
    """

    def __init__(self, num_envs: int, sequence_length: int, mode: str, decay: float) -> None:
        self.k, self.mode, self.decay = sequence_length, mode, decay
        self.plans: list[deque[np.ndarray]] = [deque(maxlen=sequence_length) for _ in range(num_envs)]

    def reset(self, indices: Any) -> None:
        for index in np.atleast_1d(indices):
            self.plans[int(index)].clear()

    def step(self, sequences: np.ndarray) -> np.ndarray:
        """sequences [N, K, D] planned at this step -> actions [N, D] to execute now."""
        actions = []
        for env, plan in enumerate(self.plans):
            if self.mode == "chunk":
                if not plan or len(plan[-1]) == 0:
                    plan.clear()
                    plan.append(sequences[env].copy())
                current = plan[-1]
                actions.append(current[0])
                plan[-1] = current[1:]
            else:
                plan.append(sequences[env].copy())
                # plan[i] was made len(plan)-1-i steps ago; its entry for now is at that offset.
                ages = np.arange(len(plan))[::-1]
                predictions = np.stack([p[age] for p, age in zip(plan, ages, strict=True)])
                weights = np.exp(-self.decay * np.arange(len(plan)))  # oldest prediction weighs most
                actions.append((weights[:, None] * predictions).sum(0) / weights.sum())
        return np.stack(actions)


@TRAINERS.register("cqn_as")
class CQNASTrainer:
    config_class = CQNASConfig
    results_title = "held-out evaluation episodes"

    def __init__(self, config: CQNASConfig, run: Run) -> None:
        self.config = config
        self.run = run
        observation_space, action_space = box_spaces(config.env)
        self.obs_dim = int(np.prod(observation_space.shape))
        self.action_dim = int(action_space.shape[0])
        self.action_low = action_space.low.astype(np.float32)
        self.action_high = action_space.high.astype(np.float32)
        self.critic = CoarseToFineCritic(
            self.obs_dim,
            self.action_dim,
            sequence_length=config.sequence_length,
            levels=config.levels,
            bins=config.bins,
            atoms=config.atoms,
            v_min=config.v_min,
            v_max=config.v_max,
            hidden=config.hidden_size,
        )
        self.target = copy.deepcopy(self.critic).requires_grad_(False)
        self.optimizer = torch.optim.AdamW(
            self.critic.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
        )
        self.replay = ReplayBuffer(config.replay_capacity, config.env.num_envs, self.obs_dim, self.action_dim)
        self.demos: ReplayBuffer | None = None
        if config.demo_episodes:
            episodes = generate_demos(
                config.env.id, config.demo_episodes, seed=run.config.seed, env_kwargs=config.env.kwargs
            )
            for episode in episodes:
                episode["actions"] = self.to_unit(episode["actions"])
            self.demos = demo_buffer(episodes, self.obs_dim, self.action_dim, config.demo_capacity)
        self.history = EvalHistory()
        self.rng = np.random.default_rng(run.process_seed)

    @classmethod
    def from_config(cls, config: CQNASConfig, run: Run) -> CQNASTrainer:
        return cls(config, run)

    # Actions live in [-1, 1] inside the method and in the env's bounds outside.
    def to_unit(self, actions: np.ndarray) -> np.ndarray:
        return (2 * (actions - self.action_low) / (self.action_high - self.action_low) - 1).astype(np.float32)

    def to_env(self, actions: np.ndarray) -> np.ndarray:
        return (self.action_low + (actions + 1) / 2 * (self.action_high - self.action_low)).astype(np.float32)

    def snap(self, actions: np.ndarray) -> np.ndarray:
        """Rounds [-1, 1] actions to the coarse-to-fine grid, so stored actions are ones the critic can encode."""
        unit = torch.as_tensor(np.clip(actions, -1, 1), dtype=torch.float32)
        return decode_action(
            encode_action(unit, levels=self.config.levels, bins=self.config.bins), bins=self.config.bins
        ).numpy()

    def plan(self, observations: np.ndarray) -> np.ndarray:
        """Greedy action sequences [N, K, D] in [-1, 1]."""
        critic: Any = self.run.unwrap(self.critic)
        obs = torch.as_tensor(observations, dtype=torch.float32, device=self.run.device)
        return decode_action(critic.greedy(obs), bins=self.config.bins).cpu().numpy()

    # ----------------------------------------------------------------------------------------------
    def train(self) -> dict[str, dict[str, float]]:
        run, config = self.run, self.config
        self.critic, self.optimizer = run.prepare(self.critic, self.optimizer)
        self.target.to(run.device)
        run.register_for_checkpointing(self.target, self.replay, self.history)
        if self.demos is not None:
            run.register_for_checkpointing(self.demos)
        start = run.restore()
        if start == 0:
            self.history.before = self.evaluate()
            run.log(self.history.before | {"env_steps": 0.0}, step=0)
        envs = make_vector_env(config.env, seed=run.process_seed * 10_007 + start)
        observations, _ = envs.reset(seed=run.process_seed * 10_007 + start)
        executor = SequenceExecutor(
            config.env.num_envs, config.sequence_length, config.execution, config.ensemble_decay
        )
        tracker = EpisodeTracker(config.env.num_envs)
        current: list[list[tuple]] = [[] for _ in range(config.env.num_envs)]  # each env's episode so far
        relabeled = 0
        sums: dict[str, float] = {}
        updates = 0
        clock, clock_step = time.perf_counter(), start
        for _ in run.steps(config.vector_steps):
            check_finite(observations, where="observation")
            planned = executor.step(self.plan(observations))
            noisy = planned + self.rng.normal(0.0, config.exploration_std, planned.shape)
            actions = self.snap(noisy)
            next_observations, rewards, terminated, truncated, infos = envs.step(self.to_env(actions))
            dones = terminated | truncated
            successor = final_observations(next_observations, dones, infos)
            check_finite(successor, where="observation")
            self.replay.add(observations, actions, rewards, successor, terminated, dones)
            tracker.step(rewards, dones, infos)
            if self.demos is not None and config.relabel_successes:
                relabeled += self._relabel(
                    current, (observations, actions, rewards, successor, terminated, dones), infos
                )
            if dones.any():
                executor.reset(np.flatnonzero(dones))
            observations = next_observations
            env_steps = run.step * config.env.num_envs
            if env_steps >= config.learning_starts:
                for key, value in self._update().items():
                    sums[key] = sums.get(key, 0.0) + value
                updates += 1
            eval_due = bool(
                config.eval_every
                and env_steps % config.eval_every < config.env.num_envs
                and run.step < config.vector_steps
            )
            if run.should_log() or eval_due:
                metrics: dict[str, float] = {"env_steps": float(env_steps)}
                if run.should_log():
                    now = time.perf_counter()
                    metrics |= {key: value / max(updates, 1) for key, value in sums.items()} | tracker.flush()
                    metrics["train/relabeled_episodes"] = float(relabeled)
                    metrics["perf/env_steps_per_s"] = config.env.num_envs * (run.step - clock_step) / (now - clock)
                    sums, updates, clock, clock_step = {}, 0, now, run.step
                if eval_due:
                    metrics |= self.evaluate()
                run.log(metrics)
        envs.close()
        after = self.evaluate()
        run.log(after | {"env_steps": float(config.vector_steps * config.env.num_envs)})
        return {"before": self.history.before, "after": after}

    def _relabel(self, current: list[list[tuple]], step: tuple, infos: dict) -> int:
        """Keeps each env's running episode; a successful one is appended to the demonstrations."""
        added = 0
        for env, episode in enumerate(current):
            episode.append(tuple(np.asarray(part[env]) for part in step))
            if step[5][env]:
                if final_info(infos, env, "is_success", False):
                    assert self.demos is not None
                    append_episode(
                        self.demos, {key: np.stack([t[i] for t in episode]) for i, key in enumerate(EPISODE_KEYS)}
                    )
                    added += 1
                episode.clear()
        return added

    def evaluate(self) -> dict[str, float]:
        config = self.config
        executor = SequenceExecutor(
            min(8, config.eval_episodes), config.sequence_length, config.execution, config.ensemble_decay
        )

        def act(observations: np.ndarray) -> np.ndarray:
            return self.to_env(self.snap(executor.step(self.plan(observations))))

        act.reset = executor.reset  # type: ignore[attr-defined]
        result = evaluate(
            act, config.env, episodes=config.eval_episodes, seed=10_000 + self.run.config.seed, num_envs=8
        )
        self.last_eval = result
        return result.metrics()

    # ----------------------------------------------------------------------------------------------
    def _sample(self) -> dict[str, torch.Tensor]:
        config = self.config
        n_demo = int(round(config.batch_size * config.demo_fraction)) if self.demos is not None else 0
        parts, demo_flags = [], []
        if n_demo:
            assert self.demos is not None
            parts.append(self._sample_from(self.demos, n_demo))
            demo_flags.append(np.ones(n_demo, np.float32))
        online = config.batch_size - n_demo
        parts.append(self._sample_from(self.replay, online))
        demo_flags.append(np.zeros(online, np.float32))
        batch = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
        batch["demo"] = np.concatenate(demo_flags)
        return to_tensors(batch, self.run.device)

    def _sample_from(self, buffer: ReplayBuffer, count: int) -> dict[str, np.ndarray]:
        config = self.config
        return buffer.sample(
            count, self.rng, n_step=config.n_step, sequence_length=config.sequence_length, gamma=config.gamma
        )

    def _update(self) -> dict[str, float]:
        config = self.config
        batch = self._sample()
        critic: Any = self.run.unwrap(self.critic)
        indices = encode_action(batch["action_sequence"], levels=config.levels, bins=config.bins)  # [B, K, L, D]
        with torch.no_grad():
            next_indices = critic.greedy(batch["next_observations"])
            next_probs = self.target(batch["next_observations"], next_indices).softmax(-1)
            next_probs = _taken(next_probs, next_indices)
            target = project_distribution(next_probs, batch["reward"], batch["discount"], critic.support)
        logits = self.critic(batch["observations"], indices)
        taken_logits = _taken(logits, indices)
        output = cqn_loss(
            taken_logits.log_softmax(-1),
            target,
            logits.softmax(-1),
            taken_logits.softmax(-1),
            critic.support,
            batch["demo"],
            bc_lambda=config.bc_lambda,
            bc_margin=config.bc_margin,
            td_weight=config.td_weight,
            fosd_weight=config.fosd_weight,
        )
        if not self.run.finite_everywhere(output.loss):
            self.run.print(f"warning: step {self.run.step}: non-finite CQN-AS loss; update skipped")
            return {"train/skipped_nonfinite": 1.0}
        self.optimizer.zero_grad(set_to_none=True)
        self.run.accelerator.backward(output.loss)
        self.run.accelerator.clip_grad_norm_(self.critic.parameters(), config.max_grad_norm)
        self.optimizer.step()
        with torch.no_grad():
            for target_param, param in zip(self.target.parameters(), critic.parameters(), strict=True):
                target_param.lerp_(param, config.target_tau)
        return {key: float(value) for key, value in output.diagnostics.items()} | {
            "train/loss": float(output.loss.detach())
        }


def _taken(values: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
    """values [B, L, K, D, bins, atoms] at the bins in ``indices`` [B, K, L, D] -> [B, L, K, D, atoms]."""
    index = indices.permute(0, 2, 1, 3)[..., None, None].expand(*values.shape[:-2], 1, values.shape[-1])
    return values.gather(-2, index).squeeze(-2)
