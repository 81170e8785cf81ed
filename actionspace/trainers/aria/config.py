"""Configuration of ARIA (offline, self-play) and of the baselines that share its data path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import actionspace.envs.language  # noqa: F401  (registers the games)
from actionspace.core.config import ConfigError
from actionspace.core.models import ModelConfig
from actionspace.core.run import RunConfig
from actionspace.envs.config import NamedEnvConfig
from actionspace.serving.engine import EngineConfig
from actionspace.trainers.aria.intention import Linkage


@dataclass(kw_only=True)
class ARIAConfig:
    run: RunConfig = field(default_factory=lambda: RunConfig(name="aria", save_every=1, log_every=1))
    """Output directory, seed, checkpointing and logging (a step is one self-play iteration)."""
    model: ModelConfig = field(default_factory=ModelConfig)
    """The policy: typically SFT'd on the scripted player's games (data.name=language_game_demos)."""
    game: NamedEnvConfig = field(default_factory=lambda: NamedEnvConfig(name="bargaining"))
    """The language game: twenty_questions, guess_my_city, bargaining or negotiation, with its options."""
    engine: EngineConfig = field(default_factory=EngineConfig)
    """What plays the self-play, fresh (online) and held-out games: HF generate on the learner, or vLLM kept in
    sync with it after every update (`engine.kind: vllm`, the real-model recipe's choice on a GPU)."""

    # Algorithm (arXiv 2506.00539)
    advantage: Literal["aria", "aria_online", "reinforce", "filtered_bc"] = "aria"
    """aria: REINFORCE on the self-play moves with the intention-aggregated reward R~ (offline ARIA);
    aria_online: fit a reward model to R~, then REINFORCE on fresh moves the current policy samples at the
    self-play histories, scored by it (online ARIA); reinforce: the raw discounted return; filtered_bc:
    behaviour cloning of the best ``filter_top`` fraction of games (the paper's baselines)."""
    gamma: float = 0.95
    """Discount from a move to the game's end reward."""
    invalid_move_penalty: float = 0.0
    """aria, aria_online (its R~) and reinforce: a self-play move the game could not use has its own reward
    -penalty (in the game's reward units), so its return is lowered, as SoLS's invalid steps are, and by
    discounting its game's earlier moves' too (`rollout.GameRecorder`). Without it an unusable message is worth what
    walking away is (0 on bargaining), above the losing deals of an early policy. The score (held-out
    evaluation, filtered_bc's ranking) stays the game's reward. 0 turns it off. Measured on bargaining at 10,
    both methods: ARIA fell further behind REINFORCE and seed 6 still collapsed (docs/aria_measurements.md)."""
    linkage: Linkage = "average"
    """Agglomerative linkage: average (the paper) or ward (its code)."""
    metric: str = "euclidean"
    """Distance between sentence embeddings (ward needs euclidean)."""
    split_epsilon: float = 0.01
    """SplitScore threshold for choosing k."""
    split_tau: int = 10
    """SplitScore window: k is chosen when it and the next tau scores are below epsilon."""
    k_max: int = 120
    """Largest k scored. When SplitScore finds no plateau below it, the cut is k_max and a warning says so."""
    history_baseline: bool = False
    """aria: use A~ = R~ - V~, V~ the mean return of the move's history cluster (the paper's code's
    ``value_type='adv'`` option), instead of R~ (the paper's text and its released scripts). aria_online: its
    reward model is fit to R~ either way (the fresh moves' group mean is their baseline); A~ is used only by
    iterations that fall back to the recorded moves."""
    baseline: Literal["none", "batch_mean"] = "none"
    """aria, reinforce (and aria_online's fallback update): batch_mean subtracts the batch's mean advantage from
    every move's, a constant baseline: the expected gradient is unchanged. R~ - mean(R~) is A~ with one history
    cluster as the baseline (with ``history_baseline`` the mean is already 0). Without it, a batch of mostly
    losing games gives most moves a negative R~, and the update lowers the likelihood of nearly every sampled
    move. none: R~ as the paper writes it, and REINFORCE with raw returns. Measured on bargaining: worse on 8 of
    9 seeds, and it did not stop the collapse to invalid messages (docs/aria_measurements.md)."""
    history: Literal["transcript", "intention_path"] = "transcript"
    """aria (and aria_online's R~): what a move's history cluster is. transcript: the transcript before the
    move, embedded and clustered like the moves. intention_path: the path of intentions that led to it, the
    clusters of every earlier move and counterpart reply, (c(o_0), c(a_0), ..., c(o_t)), as the paper writes
    h~_t and its code keys its states (`intention.IntentionPaths`); replies are clustered in a tree of their
    own, cut at the same k."""
    history_with_private: bool = False
    """aria, aria_online: the history ARIA embeds is the agent's private information (bargaining: its value;
    negotiation: the pool and its item values) then the transcript, instead of the transcript alone. The
    transcript hides what decides a move's return: the same offer of $300 is a gain to a buyer who values
    the item at $400 and a loss to one at $250, and a transcript-only history cluster pools the two. With
    ``history: intention_path`` the private information leads the first reply, the path's first step."""
    number_weight: float = 0.0
    """aria, aria_online: > 0 appends w log(1 + |x|) of the first and last number in each action and history
    to its sentence embedding (`embedding.number_features`), so that intentions separate prices by their
    ratio; the encoder alone reads a number as a token, not a magnitude. 0: the paper's embeddings."""
    return_scale_quantile: float = 1.0
    """Returns are divided by this quantile of their nonzero magnitudes in the batch, so that SplitScore's
    epsilon and the learning rate mean the same in every game. 1.0: the largest |return|. Below 1 one
    outlier game (a buyer typing $80000) cannot shrink every other return towards 0, which drives
    SplitScore to k = 1; the outlier's returns then exceed 1 in magnitude."""
    filter_top: float = 0.3
    """filtered_bc: the fraction of games (by reward) imitated."""
    sft_coef: float = 0.5
    """Weight of a behaviour-cloning term on the same moves (the paper's code: 0.5); 0: pure REINFORCE. Online
    ARIA's fresh-move updates leave it out (they imitate nothing but the policy's own samples)."""
    kl_coef: float = 0.0
    """Weight of KL(pi || pi_start) on each update's sampled tokens (k3, `agents/reference.py`; as SoLS's
    ``kl_coef``); 0: off, the paper's loss. Every advantage gets it, online ARIA's fresh moves too. The
    behaviour-cloning term imitates the policy's own samples, so it does not hold the policy where it started.
    Measured on bargaining (docs/aria_measurements.md, "A KL anchor"): 0.05 and 0.01 stop the recipe's
    collapse to invalid text, but both methods then learn less in 3 x 256 games, so the recipes leave it off."""
    clip_eps: float = 0.0
    """0: off, the paper's loss. Above 0, PPO's clipped surrogate on each recorded move's ratio to the policy
    that played it (`losses.reinforce_loss`): a move stops pulling once an iteration's update has moved its
    probability by more than this fraction in its advantage's direction. For aria, reinforce and online
    ARIA's fallback; online ARIA's fresh moves are sampled just before their step, so their ratio is 1.
    Measured on bargaining at 0.2 (docs/aria_measurements.md, "A clipped surrogate"): it stops the recipe's
    collapse to invalid text, but both methods then learn less in 3 x 256 games, so the recipes leave it off."""

    # Online ARIA (advantage=aria_online)
    reward_model_hidden: int = 256
    """Width of the reward model's MLP over (history, move) sentence embeddings."""
    reward_model_epochs: int = 30
    """Passes over each iteration's moves when fitting the reward model (warm-started across iterations)."""
    reward_model_learning_rate: float = 1e-3
    """AdamW learning rate of the reward model."""
    reward_model_holdout: float = 0.1
    """Fraction of each iteration's self-play games kept out of the reward model's fit, to stop it early and
    to measure its held-out R^2 (at least one game)."""
    online_histories: int = 256
    """Self-play histories (distinct prompts) at which fresh moves are sampled per iteration."""
    online_samples: int = 4
    """Fresh moves per history; their mean reward-model score is the baseline of each (>= 2)."""
    online_move_check: Literal["none", "rules", "play"] = "rules"
    """How the game checks each fresh move at its replayed history (`game_check`). rules: a move the game's
    parser rejects ranks with its group's worst usable move (an action mask's information; no game outcome
    is used). play: also plays the move on a copy of the game, and one that ends the game is scored by its
    reward; these extra game steps are logged (``online/extra_game_steps``), so compare at equal steps.
    none: the reward model alone, as the paper. Without a check, negotiators reward-hacked the embedding
    reward model with near-misses of "accept" that the game rejects (docs/aria_measurements.md)."""
    online_min_r2: float = 0.1
    """The fresh-move update runs only when the reward model explains more than this share of R~'s variance
    on held-out self-play games (or when those games have no spread to judge by). Otherwise the iteration
    updates on the recorded moves with the aggregated advantage, as offline ARIA does (logged as
    ``online/fallback``): a model that scores unseen games no better than their mean steers the policy by its
    errors, towards the fresh moves it extrapolates to. On negotiation a model at 0.003 (its untrained
    initialisation, kept by early stopping) drove the policy to 99.5% invalid moves in one iteration; one
    at 0.255 did not, once fresh moves were no longer imitated (``sft_coef`` is left out of that update).
    The gate is not a cure: skilled models are still reward-hacked (docs/aria_measurements.md, "Why online
    ARIA collapsed")."""

    # Self-play
    iterations: int = 3
    """Collect-then-update iterations (the paper: 3)."""
    games_per_iteration: int = 256
    """Self-play games per iteration (the paper: 1000)."""
    num_envs: int = 16
    """Games played concurrently."""
    temperature: float = 1.0
    """Sampling temperature of self-play."""
    max_new_tokens: int = 32
    """Longest message in tokens."""

    # Optimisation
    learning_rate: float = 1e-4
    """AdamW learning rate (the paper: 2e-5 with LoRA r8 on an 8B model). On bargaining (tiny model), one R~
    update at 1e-4 tipped seed 6 into invalid text; at 5e-5 that came one update later, and both methods
    learned less (docs/aria_measurements.md, "Why seed 6 collapses")."""
    minibatch_size: int = 32
    """Moves per gradient step."""
    epochs: int = 1
    """Passes over each iteration's moves."""
    max_grad_norm: float = 1.0
    """Gradient clipping norm (0: off)."""

    # Evaluation
    eval_games: int = 64
    """Games played for each evaluation (held-out seeds), at ``eval_temperature``."""
    eval_temperature: float = 0.0
    """0: greedy. Above 0, sampling draws from a seed fixed by ``run.seed``, so every policy of that seed meets
    the same draws (common random numbers across methods), whatever training did to the random stream."""

    def __post_init__(self) -> None:
        for name in (
            "iterations",
            "games_per_iteration",
            "num_envs",
            "minibatch_size",
            "epochs",
            "eval_games",
            "k_max",
            "reward_model_hidden",
            "reward_model_epochs",
            "online_histories",
        ):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not 0 < self.gamma <= 1:
            raise ConfigError(f"gamma must be in (0, 1], got {self.gamma}")
        if self.invalid_move_penalty < 0:
            raise ConfigError(f"invalid_move_penalty must be >= 0 (0 turns it off), got {self.invalid_move_penalty}")
        if self.invalid_move_penalty and self.advantage == "filtered_bc":
            raise ConfigError("invalid_move_penalty shapes returns; filtered_bc ranks games by their reward")
        if not 0 < self.return_scale_quantile <= 1:
            raise ConfigError(f"return_scale_quantile must be in (0, 1], got {self.return_scale_quantile}")
        if not 0 < self.filter_top <= 1:
            raise ConfigError(f"filter_top must be in (0, 1], got {self.filter_top}")
        if self.online_samples < 2:
            raise ConfigError(f"online_samples must be >= 2 (their mean is the baseline), got {self.online_samples}")
        if not 0 < self.reward_model_holdout < 1:
            raise ConfigError(f"reward_model_holdout must be in (0, 1), got {self.reward_model_holdout}")
        if not self.online_min_r2 < 1:
            raise ConfigError(f"online_min_r2 must be < 1 (R^2 is at most 1), got {self.online_min_r2}")
        if self.reward_model_learning_rate <= 0:
            raise ConfigError(f"reward_model_learning_rate must be > 0, got {self.reward_model_learning_rate}")
        if self.baseline != "none" and self.advantage == "filtered_bc":
            raise ConfigError("baseline applies to aria, aria_online and reinforce, not filtered_bc (it imitates)")
        if self.linkage == "ward" and self.metric != "euclidean":
            raise ConfigError("ward linkage needs metric=euclidean")
        if self.number_weight < 0:
            raise ConfigError(f"number_weight must be >= 0 (0 turns it off), got {self.number_weight}")
        if self.kl_coef < 0:
            raise ConfigError(f"kl_coef must be >= 0 (0 turns it off), got {self.kl_coef}")
        if not 0 <= self.clip_eps < 1:
            raise ConfigError(f"clip_eps must be in [0, 1) (0 turns it off), got {self.clip_eps}")
        if self.clip_eps and self.advantage == "filtered_bc":
            raise ConfigError("clip_eps applies to aria, aria_online and reinforce, not filtered_bc (it imitates)")
        if self.learning_rate <= 0 or self.sft_coef < 0 or self.split_epsilon <= 0 or self.split_tau < 0:
            raise ConfigError("learning_rate and split_epsilon must be > 0; sft_coef and split_tau >= 0")
