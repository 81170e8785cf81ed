"""ARIA's core claim, measured: on the same batch of games, the policy-gradient estimate has lower variance
with the intention-aggregated reward R~ than with raw returns. Prints the chosen k per game and writes JSON.

    python benchmarks/aria_variance.py                  # 4 games, 100 games each
    python benchmarks/aria_variance.py --games 30       # a quick look
    python benchmarks/aria_variance.py --history intention_path   # histories as the paper's paths of intentions
    python benchmarks/aria_variance.py --policy bargaining=runs/sft_bargaining/<time>/model
                                                        # that game sampled by (and differentiated through)
                                                        # a trained policy, as in ARIA's self-play

For each game: the scripted player (`envs/language/players.py`, which phrases each intention in several
ways, as a sampled LLM does) plays N games; every move is a sample with its transcript and its discounted
return gamma^(T-1-t) R, scaled by the batch's largest |R| so that SplitScore's epsilon means the same in
every game. Actions and transcripts are embedded (all-MiniLM-L6-v2), clustered once, and k is chosen by
SplitScore (epsilon 0.01, tau 10). The gradient estimate is REINFORCE on the tiny policy,
g = mean_i A_i grad log pi(a_i | s_i), over disjoint minibatches of the same samples, with A = R (raw) or
A = R~ (ARIA); its variance is the mean squared distance of the minibatch estimates from their mean
(the trace of their covariance). The same with a mean baseline subtracted from each is shown too, and
ARIA's advantage as its code computes it, A~ = R~ - V~ (V~: the mean return of the history cluster),
against raw returns with and without the mean baseline.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import write_result  # noqa: E402

GAMES = ["twenty_questions", "guess_my_city", "bargaining", "negotiation"]


def play(game: str, options: dict, count: int, gamma: float, seed: int, policy=None):
    """``count`` games of ``game`` (with its ``options``) played by ``policy`` (sampling at temperature 1), or by
    the scripted player."""
    from actionspace.envs.config import NamedEnvConfig
    from actionspace.envs.language.players import ScriptedPlayer
    from actionspace.trainers.aria.rollout import collect_games

    config = NamedEnvConfig(name=game, kwargs=options)
    player = policy if policy is not None else ScriptedPlayer(game, seed=seed)
    games, _ = collect_games(lambda _: config.make(), player, game, range(count), num_envs=4, gamma=gamma)
    return [sample for one in games for sample in one]


def gradient_variance(policy, tokenizer, samples, advantages, minibatch: int, order, *, sampled: bool) -> float:
    """Trace of the covariance of minibatch REINFORCE estimates mean_i A_i grad log pi(a_i|s_i)."""
    import torch

    if len(order) < 2 * minibatch:
        raise SystemExit(f"{len(order)} moves make fewer than 2 minibatches of {minibatch}: play more games (--games)")

    estimates = []
    for start in range(0, len(order) - minibatch + 1, minibatch):
        chosen = order[start : start + minibatch]
        if sampled:  # the policy's own moves: its chat prompts and generated token ids, as the trainer scores them
            prompts = [samples[i].transition.prompt for i in chosen]
            actions = [samples[i].transition.action_token_ids for i in chosen]
            policy.zero_grad(set_to_none=True)
            logprobs = policy(prompts, actions).logprobs
            (torch.tensor(advantages[chosen], dtype=torch.float32) * logprobs).mean().backward()
            estimates.append(torch.cat([p.grad.flatten() for p in policy.model.parameters() if p.grad is not None]))
            continue
        prompts = [
            tokenizer.apply_chat_template(
                [{"role": "user", "content": samples[i].transition.prompt}], tokenize=False, add_generation_prompt=True
            )
            for i in chosen
        ]
        actions = [
            tokenizer(samples[i].transition.action_text, add_special_tokens=False)["input_ids"]
            + [tokenizer.eos_token_id]
            for i in chosen
        ]
        policy.zero_grad(set_to_none=True)
        logprobs = policy(prompts, actions).logprobs
        (torch.tensor(advantages[chosen], dtype=torch.float32) * logprobs).mean().backward()
        estimates.append(torch.cat([p.grad.flatten() for p in policy.model.parameters() if p.grad is not None]))
    stacked = torch.stack(estimates)
    return float(((stacked - stacked.mean(0)) ** 2).sum(1).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--games", type=int, default=100, help="games played per game type")
    parser.add_argument("--gamma", type=float, default=0.95)
    parser.add_argument("--minibatch", type=int, default=16)
    parser.add_argument("--k-max", type=int, default=120)
    parser.add_argument("--linkage", default="average", choices=["average", "ward"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--history",
        default="transcript",
        choices=["transcript", "intention_path"],
        help="a move's history: its transcript, clustered, or the path of intentions that led to it (the paper's)",
    )
    parser.add_argument("--games-only", nargs="*", default=GAMES, choices=GAMES, help="measure only these games")
    parser.add_argument(
        "--policy", action="append", default=[], metavar="GAME=PATH", help="sample GAME with this model instead"
    )
    parser.add_argument(
        "--options",
        action="append",
        default=[],
        metavar="GAME=YAML",
        help="that game's options, e.g. 'twenty_questions={objects: 16, max_turns: 10}' (default: the full game)",
    )
    args = parser.parse_args()
    policies = dict(spec.split("=", 1) for spec in args.policy)
    import yaml

    options = {game: yaml.safe_load(text) for game, text in (spec.split("=", 1) for spec in args.options)}

    import numpy as np
    import torch

    from actionspace.agents.policy import LLMPolicy
    from actionspace.core.models import ModelConfig, load_model
    from actionspace.trainers.aria.embedding import SentenceEmbedder
    from actionspace.trainers.aria.intention import (
        IntentionTree,
        aggregate_rewards,
        choose_k,
        history_values,
        split_scores,
    )
    from actionspace.trainers.aria.trainer import history_clusters, scale_returns

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    scratch_model, scratch_tokenizer = load_model(ModelConfig(size="tiny"))
    embedder = SentenceEmbedder()

    rows, results = [], {}
    for game in args.games_only:
        model, tokenizer = scratch_model, scratch_tokenizer
        sampler = None
        if game in policies:
            model, tokenizer = load_model(ModelConfig(path=policies[game]))
            from actionspace.agents.text_policy import TextPolicy, render_prompt
            from actionspace.serving import HFEngine, SamplingParams

            sampling = SamplingParams(max_new_tokens=32, temperature=1.0)
            sampler = TextPolicy(HFEngine(model, tokenizer), tokenizer, sampling=sampling, render=render_prompt)
        policy = LLMPolicy(model, tokenizer)
        samples = play(game, options.get(game, {}), args.games, args.gamma, seed=0, policy=sampler)
        returns = np.array([s.transition.return_ for s in samples])
        returns = scale_returns(returns, 1.0)  # by the largest |R|, as the trainer's default

        def tree(texts: list[str]) -> IntentionTree:
            return IntentionTree.build(embedder.encode(texts), method=args.linkage)

        actions = tree([s.transition.action_text for s in samples])
        histories = history_clusters(samples, args.history, actions, tree)
        k_max = min(args.k_max, actions.num_leaves - 1, histories.num_leaves - 1)
        k = choose_k(split_scores(histories, actions, returns, k_max))
        aggregated = aggregate_rewards(histories.cut(k), actions.cut(k), returns)
        advantage = aggregated - history_values(histories.cut(k), returns)
        order = np.random.default_rng(0).permutation(len(samples))
        sampled = sampler is not None
        variances = {
            name: gradient_variance(policy, tokenizer, samples, values, args.minibatch, order, sampled=sampled)
            for name, values in (
                ("raw", returns),
                ("aria", aggregated),
                ("raw_centered", returns - returns.mean()),
                ("aria_centered", aggregated - aggregated.mean()),
                ("aria_advantage", advantage),
            )
        }
        who = policies.get(game, "scripted player")
        results[game] = {"samples": len(samples), "k": k, "distinct_actions": actions.num_leaves, "sampler": who}
        results[game]["options"] = options.get(game, {})
        results[game] |= variances
        ratio = _ratio(variances["raw"], variances["aria"])
        ratio_centered = _ratio(variances["raw_centered"], variances["aria_centered"])
        ratio_advantage = _ratio(variances["raw"], variances["aria_advantage"])
        # A~ carries a baseline, so it is also set against REINFORCE with the batch-mean baseline.
        ratio_advantage_centered = _ratio(variances["raw_centered"], variances["aria_advantage"])
        rows.append(
            f"| {game} ({'policy' if sampled else 'scripted'}) | {len(samples)} |"
            f" {actions.num_leaves} | {k} | {variances['raw']:.3g} | "
            f"{variances['aria']:.3g} | **{ratio:.2f}x** | {ratio_centered:.2f}x | {ratio_advantage:.2f}x "
            f"| {ratio_advantage_centered:.2f}x |"
        )
        print(rows[-1], flush=True)

    table = "\n".join(
        [
            f"Variance (trace of covariance) of minibatch REINFORCE estimates, minibatch {args.minibatch}, tiny "
            f"policy, {args.games} games per game type, gamma {args.gamma}, {args.linkage} linkage, histories: "
            f"{args.history}; k by SplitScore (epsilon 0.01, tau 10).",
            "",
            "| game | samples | distinct actions | k | var (raw R) | var (ARIA R~) | raw / ARIA | with mean baseline "
            "| raw / ARIA A~ = R~ - V~ | (raw - mean) / A~ |",
            "|---|---|---|---|---|---|---|---|---|---|",
            *rows,
        ]
    )
    print("\n" + table)
    # The default run (every game, scripted players) is the recorded result, with either kind of history;
    # other runs get their own file.
    default = not policies and not options and args.games_only == GAMES
    suffix = "_paths" if args.history == "intention_path" else ""
    name = f"aria_variance{suffix}" if default else f"aria_variance_custom{suffix}"
    path = write_result(name, {"args": vars(args), "results": results, "table": table})
    print(f"\nwrote {path}")


def _ratio(raw: float, aria: float) -> float:
    """raw / aria; inf when aggregation removes all variance (every move in one intention of equal return)."""
    return raw / aria if aria > 0 else float("inf")


if __name__ == "__main__":
    main()
