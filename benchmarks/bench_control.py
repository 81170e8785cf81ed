"""Env steps per second of our Gaussian PPO vs a single-file CleanRL-style PPO written here, on the
same env and settings, and GenPO's rate relative to our PPO. One run each, in one process.

    python benchmarks/bench_control.py [--steps 40960] [--env HalfCheetah-v5]

The reference below follows CleanRL's ppo_continuous_action.py structure (gymnasium vector env with
normalisation wrappers, GAE, clipped updates), written for this benchmark; target: ours >= 0.9x of it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import gymnasium as gym
import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import write_result  # noqa: E402
from recipes import run_recipe  # noqa: E402

NUM_ENVS, ROLLOUT, EPOCHS, MINIBATCHES = 8, 256, 10, 32


def layer(fan_in: int, fan_out: int, std: float = float(np.sqrt(2))) -> nn.Linear:
    linear = nn.Linear(fan_in, fan_out)
    nn.init.orthogonal_(linear.weight, std)
    nn.init.zeros_(linear.bias)
    return linear


class Agent(nn.Module):
    def __init__(self, obs_dim: int, act_dim: int) -> None:
        super().__init__()
        self.critic = nn.Sequential(layer(obs_dim, 64), nn.Tanh(), layer(64, 64), nn.Tanh(), layer(64, 1, 1.0))
        self.actor_mean = nn.Sequential(
            layer(obs_dim, 64), nn.Tanh(), layer(64, 64), nn.Tanh(), layer(64, act_dim, 0.01)
        )
        self.actor_logstd = nn.Parameter(torch.zeros(1, act_dim))

    def value(self, x: torch.Tensor) -> torch.Tensor:
        return self.critic(x)

    def action_and_value(self, x: torch.Tensor, action: torch.Tensor | None = None):
        mean = self.actor_mean(x)
        dist = torch.distributions.Normal(mean, self.actor_logstd.expand_as(mean).exp())
        if action is None:
            action = dist.sample()
        return action, dist.log_prob(action).sum(1), dist.entropy().sum(1), self.critic(x)


def cleanrl_style_ppo(env_id: str, total_steps: int, seed: int = 0) -> float:
    """Trains for ``total_steps`` and returns env steps per second (whole loop, updates included)."""
    torch.manual_seed(seed)

    def make() -> gym.Env:
        env = gym.make(env_id)
        env = gym.wrappers.FlattenObservation(env)
        env = gym.wrappers.ClipAction(env)
        env = gym.wrappers.NormalizeObservation(env)
        env = gym.wrappers.TransformObservation(env, lambda o: np.clip(o, -10, 10), env.observation_space)
        env = gym.wrappers.NormalizeReward(env, gamma=0.99)
        return gym.wrappers.TransformReward(env, lambda r: float(np.clip(r, -10, 10)))

    envs = gym.vector.SyncVectorEnv([make] * NUM_ENVS)
    obs_dim, act_dim = envs.single_observation_space.shape[0], envs.single_action_space.shape[0]
    agent = Agent(obs_dim, act_dim)
    optimizer = torch.optim.Adam(agent.parameters(), lr=3e-4, eps=1e-5)
    obs_buf = torch.zeros(ROLLOUT, NUM_ENVS, obs_dim)
    act_buf = torch.zeros(ROLLOUT, NUM_ENVS, act_dim)
    logp_buf, rew_buf, done_buf, val_buf = (torch.zeros(ROLLOUT, NUM_ENVS) for _ in range(4))
    next_obs = torch.tensor(envs.reset(seed=seed)[0], dtype=torch.float32)
    next_done = torch.zeros(NUM_ENVS)
    iterations = total_steps // (NUM_ENVS * ROLLOUT)
    batch = NUM_ENVS * ROLLOUT
    start = time.perf_counter()
    for iteration in range(iterations):
        optimizer.param_groups[0]["lr"] = 3e-4 * (1.0 - iteration / iterations)
        for step in range(ROLLOUT):
            obs_buf[step], done_buf[step] = next_obs, next_done
            with torch.no_grad():
                action, logp, _, value = agent.action_and_value(next_obs)
            val_buf[step], act_buf[step], logp_buf[step] = value.flatten(), action, logp
            o, r, term, trunc, _ = envs.step(action.numpy())
            rew_buf[step] = torch.tensor(r, dtype=torch.float32)
            next_obs = torch.tensor(o, dtype=torch.float32)
            next_done = torch.tensor(np.logical_or(term, trunc), dtype=torch.float32)
        with torch.no_grad():
            next_value = agent.value(next_obs).flatten()
            advantages = torch.zeros_like(rew_buf)
            last = torch.zeros(NUM_ENVS)
            for t in reversed(range(ROLLOUT)):
                nonterminal = 1.0 - (next_done if t == ROLLOUT - 1 else done_buf[t + 1])
                following = next_value if t == ROLLOUT - 1 else val_buf[t + 1]
                delta = rew_buf[t] + 0.99 * following * nonterminal - val_buf[t]
                advantages[t] = last = delta + 0.99 * 0.95 * nonterminal * last
            returns = advantages + val_buf
        b_obs, b_act = obs_buf.reshape(batch, obs_dim), act_buf.reshape(batch, act_dim)
        b_logp, b_adv, b_ret, b_val = logp_buf.flatten(), advantages.flatten(), returns.flatten(), val_buf.flatten()
        for _ in range(EPOCHS):
            order = torch.randperm(batch)
            for s in range(0, batch, batch // MINIBATCHES):
                idx = order[s : s + batch // MINIBATCHES]
                _, newlogp, entropy, newvalue = agent.action_and_value(b_obs[idx], b_act[idx])
                ratio = (newlogp - b_logp[idx]).exp()
                adv = (b_adv[idx] - b_adv[idx].mean()) / (b_adv[idx].std() + 1e-8)
                pg_loss = torch.max(-adv * ratio, -adv * ratio.clamp(0.8, 1.2)).mean()
                newvalue = newvalue.view(-1)
                v_clipped = b_val[idx] + (newvalue - b_val[idx]).clamp(-0.2, 0.2)
                v_loss = 0.5 * torch.max((newvalue - b_ret[idx]) ** 2, (v_clipped - b_ret[idx]) ** 2).mean()
                loss = pg_loss - 0.0 * entropy.mean() + 0.5 * v_loss
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(agent.parameters(), 0.5)
                optimizer.step()
    elapsed = time.perf_counter() - start
    envs.close()
    return iterations * batch / elapsed


def ours(config: str, env_id: str, steps: int) -> float:
    overrides = [
        f"env.id={env_id}",
        f"env.num_envs={NUM_ENVS}",
        f"rollout_steps={ROLLOUT}",
        f"total_env_steps={steps}",
        "eval_episodes=1",
        "env.max_episode_steps=1000",
    ]
    result = run_recipe(config, overrides)
    rates = [r["perf/env_steps_per_s"] for r in result["records"] if "perf/env_steps_per_s" in r]
    # perf/env_steps_per_s covers collection and update of each iteration, like the reference's loop.
    return float(np.mean(rates))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=40_960)
    parser.add_argument("--env", default="HalfCheetah-v5")
    args = parser.parse_args()
    torch.set_num_threads(1)
    reference = cleanrl_style_ppo(args.env, args.steps)
    ppo = ours("configs/ppo_halfcheetah.yaml", args.env, args.steps)
    genpo = ours("configs/genpo_halfcheetah.yaml", args.env, args.steps)
    rows = [
        ("CleanRL-style PPO (single file, this benchmark)", reference, 1.0),
        ("actionspace PPO", ppo, ppo / reference),
        ("actionspace GenPO", genpo, genpo / reference),
    ]
    table = "\n".join(
        [
            f"{args.env}, {NUM_ENVS} envs x {ROLLOUT} steps, {EPOCHS} epochs x {MINIBATCHES} minibatches, 64x64 MLPs, "
            f"{args.steps:,} env steps each, 1 torch thread",
            "",
            "| implementation | env steps/s | vs reference |",
            "|---|---|---|",
        ]
        + [f"| {name} | {rate:,.0f} | {ratio:.2f}x |" for name, rate, ratio in rows]
        + ["", f"GenPO / our PPO: {genpo / ppo:.2f}x"]
    )
    print(table)
    path = write_result(
        "bench_control",
        {
            "args": vars(args),
            "steps_per_s": {n: r for n, r, _ in rows},
            "ppo_vs_reference": ppo / reference,
            "genpo_vs_ppo": genpo / ppo,
            "table": table,
        },
    )
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
