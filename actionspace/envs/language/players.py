"""Scripted players for the language games: stochastic, reasonable, and wordy in many ways.

Each plays from what a policy sees (the observation) and phrases every intention in several ways, as a
sampled language model would. They are the games' reference players, a source of demonstrations, and the
stand-in sampler of the ARIA variance benchmark. ``act`` takes a batch of observations, like any policy in
the shared episode loop; randomness comes from the player's own generator (seeded).
"""

from __future__ import annotations

import re
from typing import Any

import gymnasium as gym
import numpy as np

from actionspace.envs.language.cities import CITIES
from actionspace.envs.language.objects import OBJECTS
from actionspace.envs.language.twenty_questions import read_question
from actionspace.serving.engine import Generation

ATTRIBUTE_QUESTIONS = {
    "water": ["Does it live in the water?", "Is it found in the sea?", "Can it swim?"],
    "bigger_than_person": ["Is it bigger than a person?", "Is it large?", "Is it taller than a human?"],
    "flies": ["Can it fly?", "Does it have wings?", "Is it able to fly?"],
    "wheels": ["Does it have wheels?", "Does it roll on wheels?"],
    "animal": ["Is it an animal?", "Is it some kind of animal?", "Is it a creature?"],
    "alive": ["Is it alive?", "Is it a living thing?", "Is it living?"],
    "edible": ["Can you eat it?", "Is it food?", "Is it edible?"],
    "man_made": ["Is it man-made?", "Was it made by people?", "Is it manufactured?"],
    "electronic": ["Is it electronic?", "Does it use electricity?", "Does it need a battery or a plug?"],
}
CITY_QUESTIONS = {
    "continent": ["Which continent is it on?", "What part of the world is it in?"],
    "country": ["Which country is it in?", "What country is that?"],
    "language": ["What language do people speak there?", "Which language is spoken?"],
    "climate": ["What is the climate like?", "How is the weather there?"],
    "coastal": ["Is it on the coast?", "Is it by the sea?"],
    "capital": ["Is it a capital city?", "Is it the capital?"],
    "landmark": ["What is it famous for?", "What is its best-known landmark?"],
}
PRICE_PHRASES = [
    "I offer ${p}.",
    "How about ${p}?",
    "I can pay ${p}.",
    "${p} is my best offer.",
    "Would you take ${p}?",
]
SPLIT_PHRASES = ["I take {s}.", "How about I take {s}?", "I'd like {s}.", "Give me {s}; you keep the rest."]


class ScriptedPlayer:
    """Args:
    game: "twenty_questions", "guess_my_city", "bargaining" or "negotiation".
    seed: seed of the player's choices.
    """

    def __init__(self, game: str, seed: int = 0) -> None:
        if game not in ("twenty_questions", "guess_my_city", "bargaining", "negotiation"):
            raise ValueError(f"no scripted player for game {game!r}")
        self.game = game
        self.rng = np.random.default_rng(seed)
        self.envs: dict[int, Any] = {}
        # What rollout recorders read, as from a model's policy (no token ids or log-probs: it is no model).
        self.last_prompts: list[str] = []
        self.last_generations: list[Generation | None] = []

    def begin_episode(self, slot: int, env: gym.Env) -> None:
        self.envs[slot] = env.unwrapped  # for the public parts of the game (pool, counts); never the secret

    def act(self, observations: list[dict[str, Any] | None]) -> list[str | None]:
        play = getattr(self, f"_{self.game}")
        texts = [play(slot, o) if o is not None else None for slot, o in enumerate(observations)]
        self.last_prompts = [o["prompt"] if o is not None else "" for o in observations]
        self.last_generations = [Generation(text, [], [], "stop") if text is not None else None for text in texts]
        return texts

    def _choice(self, options: list[str]) -> str:
        return options[int(self.rng.integers(len(options)))]

    # -- Twenty Questions: ask about unasked attributes, guess among the objects still consistent ------
    def _twenty_questions(self, slot: int, observation: dict[str, Any]) -> str:
        candidates, asked = set(self.envs[slot].pool), set()
        for question, answer in re.findall(r"Questioner: (.*)\nAnswerer: (Yes|No)\.", observation["transcript"]):
            move = read_question(question)
            if move.kind == "guess":
                candidates.discard(move.value)
            elif move.value is not None:
                asked.add(move.value)
                candidates = {c for c in candidates if (move.value in OBJECTS[c]) == (answer == "Yes")}
        open_questions = [a for a in ATTRIBUTE_QUESTIONS if a not in asked]
        if candidates and (len(candidates) <= 3 or not open_questions or self.rng.random() < 0.15):
            return f"Is it a {self._choice(sorted(candidates))}?"
        return self._choice(ATTRIBUTE_QUESTIONS[self._choice(open_questions)])

    # -- Guess My City: ask about the continent and other topics, guess among consistent cities ---------
    def _guess_my_city(self, slot: int, observation: dict[str, Any]) -> str:
        transcript = observation["transcript"]
        candidates = set(self.envs[slot].pool)
        if match := re.search(r"Answerer: It is in ([A-Za-z .']+)\.", transcript):
            place = match.group(1)
            candidates = {n for n in candidates if place in (CITIES[n].continent, CITIES[n].country)}
        for language in re.findall(r"People mostly speak (\w+)\.", transcript):
            candidates = {n for n in candidates if CITIES[n].language == language}
        for guess in re.findall(r"Questioner: Is it ([A-Z][A-Za-z .']+)\?\nAnswerer: No, that", transcript):
            candidates.discard(guess)
        if candidates and (len(candidates) <= 4 or self.rng.random() < 0.2):
            return f"Is it {self._choice(sorted(candidates))}?"
        return self._choice(CITY_QUESTIONS[self._choice(list(CITY_QUESTIONS))])

    # -- Bargaining: offers between a low anchor and the value; accepts a price below the value ---------
    def _bargaining(self, slot: int, observation: dict[str, Any]) -> str:
        game = self.envs[slot]
        value = float(re.search(r"worth \$(\d+) to you", observation["prompt"]).group(1))  # type: ignore[union-attr]
        asks = [float(p) for p in re.findall(r"Seller: .*?\$(\d+)", observation["transcript"])]
        if asks and asks[-1] < value and self.rng.random() < 0.4:
            return self._choice(["Accept.", "Deal, I accept.", "OK, I agree."])
        fraction = min(1.0, 0.5 + 0.08 * game.turn + 0.1 * self.rng.random())
        return self._choice(PRICE_PHRASES).format(p=int(value * fraction))

    # -- Negotiation: asks for the items it values, concedes over turns, accepts a decent offer ---------
    def _negotiation(self, slot: int, observation: dict[str, Any]) -> str:
        game = self.envs[slot]
        values = [int(v) for v in re.findall(r"(?:books|hats|balls) (\d+) each", observation["prompt"])]
        proposals = re.findall(r"Partner: I take (\d+) books?, (\d+) hats? and (\d+) balls?", observation["transcript"])
        if proposals:
            theirs = np.array([int(x) for x in proposals[-1]])
            mine = game.counts - theirs
            if mine @ values >= 5 - game.turn // 2 and self.rng.random() < 0.7:
                return self._choice(["Accept.", "Deal.", "I agree, deal."])
        take = np.array([n if v > 0 else 0 for n, v in zip(game.counts, values, strict=True)])
        for _ in range(int(self.rng.integers(0, 1 + game.turn))):  # concede an item now and then
            wanted = np.flatnonzero(take)
            if len(wanted):
                take[wanted[int(self.rng.integers(len(wanted)))]] -= 1
        names = ("books", "hats", "balls")
        split = ", ".join(f"{n} {name}" for n, name in zip(take, names, strict=True))
        return self._choice(SPLIT_PHRASES).format(s=split)
