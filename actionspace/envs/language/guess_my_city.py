"""Guess My City: the agent asks free-form questions about a hidden city; success = naming it in time.

The scripted answerer works from the knowledge base in `cities.py`. A question naming a city is a guess. A
question naming a continent or country ("Is it in Asia?") is answered yes or no. Otherwise the topic is
found by keyword: continent, country, language, climate, coast, capital, population or landmark, and
answered with the fact ("People mostly speak Portuguese."). The city's name is never said. A question on
none of these gets a hint about what can be asked (a spent turn, not an invalid move); an empty message is
invalid. Reward: 1 when the city is named, else 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from actionspace.core.registry import ENVS
from actionspace.envs.language.base import LanguageGame, Move, candidate_pool
from actionspace.envs.language.cities import CITIES, City


def _alternation(names: set[str]) -> re.Pattern[str]:
    ordered = sorted(names, key=len, reverse=True)  # "New York" before "York"-like prefixes
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in ordered) + r")\b", re.IGNORECASE)


CITY_NAMES = _alternation(set(CITIES))
CONTINENTS = _alternation({c.continent for c in CITIES.values()})
COUNTRIES = _alternation({c.country for c in CITIES.values()})
TOPICS: list[tuple[str, re.Pattern[str]]] = [
    (topic, re.compile(pattern, re.IGNORECASE))
    for topic, pattern in [
        ("capital", r"\bcapital\b"),
        ("coastal", r"\b(coast|coastal|sea|ocean|beach|port|harbou?r)\b"),
        ("continent", r"\b(continent|part of the world|region)\b"),
        ("country", r"\b(country|nation)\b"),
        ("language", r"\b(language|speak|spoken)\b"),
        ("climate", r"\b(climate|weather|hot|cold|warm|rain|temperature)\b"),
        ("population", r"\b(population|people live|how (big|large)|inhabitants)\b"),
        ("landmark", r"\b(landmark|famous|known for|monument|sight|tourist)\b"),
    ]
]
HINT = "I can only tell you about its continent, country, language, climate, coast, capital status, size or landmarks."


@dataclass(kw_only=True)
class GuessMyCityConfig:
    max_turns: int = 20
    """Questions per game."""
    cities: int = 0
    """The hidden city is one of this many (a fixed subset of the knowledge base, listed in the
    instructions); 0: any of the whole knowledge base, unlisted."""

    def __post_init__(self) -> None:
        candidate_pool(CITIES, self.cities, "cities")


def answer(city: City, text: str) -> str | None:
    """The scripted answer to a (non-guess) question about ``city``; None when no topic is recognised."""
    if match := CONTINENTS.search(text):
        return "Yes." if match.group(1).lower() == city.continent.lower() else "No."
    if match := COUNTRIES.search(text):
        return "Yes." if match.group(1).lower() == city.country.lower() else "No."
    for topic, pattern in TOPICS:
        if pattern.search(text):
            return {
                "capital": "Yes, it is the capital." if city.capital else "No, it is not the capital.",
                "coastal": "Yes, it is on the coast." if city.coastal else "No, it is inland.",
                "continent": f"It is in {city.continent}.",
                "country": f"It is in {city.country}.",
                "language": f"People mostly speak {city.language}.",
                "climate": f"The climate is {city.climate}.",
                "population": f"About {city.population_millions} million people live there.",
                "landmark": f"It is known for {city.landmark}.",
            }[topic]
    return None


@ENVS.register("guess_my_city")
class GuessMyCityGame(LanguageGame):
    agent_role = "Questioner"
    counterpart_role = "Answerer"
    config_class = GuessMyCityConfig
    secret: City
    question: str
    """The agent's question the answerer is to answer ("wrong guess" after a wrong guess)."""

    @property
    def pool(self) -> list[str]:
        """The cities the secret is drawn from (public: the instructions list a restricted pool)."""
        return candidate_pool(CITIES, self.config.cities, "cities")

    def new_game(self) -> None:
        pool = self.pool
        self.secret = CITIES[pool[int(self.np_random.integers(len(pool)))]]
        self.question = ""

    def instructions(self) -> str:
        listed = f" It is one of: {', '.join(self.pool)}." if self.config.cities else ""
        return (
            f"We play Guess My City. The Answerer thinks of a city somewhere in the world.{listed} Ask questions "
            "about it (its continent, country, language, climate, coast, size, landmarks) and name it to win "
            f"('Is it Lisbon?'). You have {self.max_turns} questions."
        )

    def parse(self, text: str, speaker: str) -> Move:
        if speaker == self.counterpart_role:
            return Move("answer", text)
        if not text.strip(" ?.!\n\t"):
            return Move("invalid", reason="the question is empty")
        if match := CITY_NAMES.search(text):
            return Move("guess", match.group(1).lower())
        return Move("question", text)

    def apply(self, move: Move) -> tuple[bool, float]:
        self.question = move.value if move.kind == "question" else ""
        if move.kind == "guess":
            if move.value == self.secret.name.lower():
                return True, 1.0
            self.question = "wrong guess"
        return False, 0.0

    def scripted_reply(self) -> str:
        if self.question == "wrong guess":
            return "No, that is not my city."
        if not self.question:
            return HINT
        return answer(self.secret, self.question) or HINT

    def counterpart_move(self, move: Move) -> tuple[bool, float]:
        self.question = ""
        return False, 0.0
