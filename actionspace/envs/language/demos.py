"""Scripted players' games as an SFT data set (``data.name=language_game_demos``): the starting policy of
ARIA's self-play, as SFT on oracle demos is SoLS's.

Each example is one of the scripted player's moves: the game's prompt (exactly what `TextPolicy` with
`render_prompt` sends when the model plays) as the user message, the player's message as the answer.
Train and test examples come from disjoint game seeds.
"""

from __future__ import annotations

from typing import Any

from actionspace.core.config import ConfigError
from actionspace.core.registry import DATASETS
from actionspace.envs.config import NamedEnvConfig
from actionspace.envs.episodes import StepRecord, run_episodes
from actionspace.envs.language.players import ScriptedPlayer

TEST_SEED_OFFSET = 1_000_000


@DATASETS.register("language_game_demos")
class LanguageGameDemos:
    """Args:
    game: a registered language game with a scripted player (bargaining, negotiation, twenty_questions,
        guess_my_city).
    game_kwargs: that game's options, as ``game.kwargs`` of the ARIA recipe that starts from these demos
        (e.g. ``{objects: 16}``): the prompts must be the ones the policy will see.
    """

    def __init__(self, game: str = "bargaining", game_kwargs: dict[str, Any] | None = None) -> None:
        if game not in ("twenty_questions", "guess_my_city", "bargaining", "negotiation"):
            raise ConfigError(f"no scripted player for game {game!r}")
        self.game = game
        self.game_config = NamedEnvConfig(name=game, kwargs=game_kwargs or {})  # bad options fail here

    def examples(self, split: str, num: int, seed: int) -> list[dict[str, list[dict[str, str]]]]:
        player = ScriptedPlayer(self.game, seed=seed + (TEST_SEED_OFFSET if split == "test" else 0))
        examples: list[dict[str, list[dict[str, str]]]] = []

        def record(step: StepRecord) -> None:
            generation = player.last_generations[step.slot]
            assert generation is not None, "a recorded step is an active slot's"
            examples.append(
                {
                    "messages": [
                        {"role": "user", "content": str(step.observation["prompt"])},
                        {"role": "assistant", "content": generation.text},
                    ]
                }
            )

        first = seed * 10_000 + (TEST_SEED_OFFSET if split == "test" else 0)
        while len(examples) < num:
            seeds = range(first, first + 16)
            jobs = [(self.game, s) for s in seeds]
            run_episodes(lambda _: self.game_config.make(), player, jobs, num_envs=4, on_step=record)
            first += 16
        return examples[:num]

    def score(self, completion: str, reference: str) -> dict[str, float]:
        """``valid``: a move the game can use; ``same_move``: the same kind of move as the player's (offer,
        accept, question, guess ...). The example's own game is not known here, so moves are read in a
        fixed game (seed 0): for negotiation, a split is checked against that game's item counts."""
        game: Any = self.game_config.make()
        game.reset(seed=0)
        move, expected = game.parse(completion, game.agent_role), game.parse(reference, game.agent_role)
        return {"valid": float(move.valid), "same_move": float(move.kind == expected.kind)}
