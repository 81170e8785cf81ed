"""Language games (ARIA's environments): multi-turn, free-text actions, a scripted or LLM counterpart.

Importing this package registers them: ``twenty_questions`` (100 objects), ``guess_my_city`` (100 cities),
``bargaining`` and ``negotiation``.
"""

from actionspace.envs.language import demos  # noqa: F401  (registers the language_game_demos data set)
from actionspace.envs.language.bargaining import BargainingConfig, BargainingGame
from actionspace.envs.language.base import LanguageGame, LLMCounterpart, Move, Turn
from actionspace.envs.language.guess_my_city import GuessMyCityConfig, GuessMyCityGame
from actionspace.envs.language.negotiation import NegotiationConfig, NegotiationGame
from actionspace.envs.language.twenty_questions import TwentyQuestionsConfig, TwentyQuestionsGame

__all__ = [
    "BargainingConfig",
    "BargainingGame",
    "GuessMyCityConfig",
    "GuessMyCityGame",
    "LLMCounterpart",
    "LanguageGame",
    "Move",
    "NegotiationConfig",
    "NegotiationGame",
    "Turn",
    "TwentyQuestionsConfig",
    "TwentyQuestionsGame",
]
