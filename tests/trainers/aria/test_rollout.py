"""Game rollouts for ARIA: a sample per move, with the transcript it answered and the discounted return."""

from __future__ import annotations

from dataclasses import replace

import pytest

from actionspace.agents.text_policy import TextPolicy, render_prompt
from actionspace.envs.language import BargainingGame, TwentyQuestionsGame
from actionspace.serving.engine import Generation
from actionspace.trainers.aria.rollout import collect_games


class ScriptedEngine:
    """Asks two questions, then names the secret (read from the game through the prompt's seed)."""

    def __init__(self, secrets):
        self.secrets = secrets

    def generate(self, prompts, params):
        out = []
        for prompt in prompts:
            turn = prompt.count("Questioner:")
            text = ["Is it alive?", "Can it fly?"][turn] if turn < 2 else f"Is it a {self.secrets[0]}?"
            out.append(Generation(text, [7] * (turn + 1), [-0.5] * (turn + 1), "stop"))
        return out


class Tokenizer:
    def apply_chat_template(self, messages, tokenize, add_generation_prompt):
        return messages[0]["content"]


def test_games_become_samples_with_transcripts_and_discounted_returns():
    probe = TwentyQuestionsGame()
    probe.reset(seed=5)
    policy = TextPolicy(ScriptedEngine([probe.secret]), Tokenizer(), render=render_prompt)
    games, episodes = collect_games(lambda _: TwentyQuestionsGame(), policy, "twenty_questions", [5], gamma=0.5)
    (game,) = games
    assert episodes[0].success and [s.transition.step for s in game] == [0, 1, 2]
    assert [s.transition.return_ for s in game] == pytest.approx([0.25, 0.5, 1.0])  # 0.5^(T-1-t) x 1
    assert game[0].history == "(no messages yet)" and game[0].reply == ""
    assert game[1].reply in ("Yes.", "No.")
    assert game[1].history.startswith("Questioner: Is it alive?\nAnswerer: ")
    assert game[2].transition.action_text == f"Is it a {probe.secret}?"
    assert game[1].transition.behavior_logprob == -1.0 and game[1].transition.action_token_ids == [7, 7]
    assert all(s.transition.success for s in game)


class EmptyOnceEngine(ScriptedEngine):
    """The scripted questioner, but its move ``empty_turn`` is an empty message, which the game rejects."""

    def __init__(self, secrets, empty_turn):
        super().__init__(secrets)
        self.empty_turn = empty_turn

    def generate(self, prompts, params):
        out = super().generate(prompts, params)
        return [
            replace(g, text="") if p.count("Questioner:") == self.empty_turn else g
            for p, g in zip(prompts, out, strict=True)
        ]


@pytest.mark.parametrize(("empty_turn", "expected"), [(0, [0.25 - 0.4, 0.5, 1.0]), (1, [0.25 - 0.2, 0.5 - 0.4, 1.0])])
def test_an_invalid_move_lowers_its_return_and_earlier_ones_discounted(empty_turn, expected):
    probe = TwentyQuestionsGame()
    probe.reset(seed=5)
    policy = TextPolicy(EmptyOnceEngine([probe.secret], empty_turn), Tokenizer(), render=render_prompt)
    make = lambda _: TwentyQuestionsGame()  # noqa: E731
    (game,), (episode,) = collect_games(make, policy, "twenty_questions", [5], gamma=0.5, invalid_penalty=0.4)
    assert episode.success and episode.invalid_actions == 1 and game[empty_turn].transition.action_text == ""
    # The last move is the right guess: G_t = 0.5^(2-t) x 1, less 0.4 x 0.5^(empty_turn - t) up to the empty one.
    assert [s.transition.return_ for s in game] == pytest.approx(expected)
    assert game[-1].transition.reward == 1.0  # the score stays the game's
    (unpenalised,), _ = collect_games(make, policy, "twenty_questions", [5], gamma=0.5)
    assert [s.transition.return_ for s in unpenalised] == pytest.approx([0.25, 0.5, 1.0])


class OfferEngine:
    """A buyer that always offers $100."""

    def generate(self, prompts, params):
        return [Generation("I offer $100", [7], [-0.5], "stop") for _ in prompts]


@pytest.mark.parametrize("with_private", [False, True])
def test_histories_lead_with_the_private_information_only_when_asked(with_private):
    probe = BargainingGame()
    probe.reset(seed=3)
    policy = TextPolicy(OfferEngine(), Tokenizer(), render=render_prompt)
    (game,), _ = collect_games(lambda _: BargainingGame(), policy, "bargaining", [3], with_private=with_private)
    transcript = f"Seller: I'm selling {probe.item}. The price is ${probe.list_price:.0f}."
    expected = f"Worth ${probe.value:.0f} to me.\n{transcript}" if with_private else transcript
    assert game[0].history == expected
    assert (f"{transcript}\nBuyer: I offer $100\nSeller: " in game[1].history) and (
        game[1].history.startswith("Worth $") == with_private
    )
    # The replies each move answered: the opening (after the value, when asked), then the seller's answers.
    opening = transcript.removeprefix("Seller: ")
    assert game[0].reply == (f"Worth ${probe.value:.0f} to me.\n{opening}" if with_private else opening)
    assert game[1].history.endswith(f"Seller: {game[1].reply}") and not game[1].reply.startswith("Worth")
