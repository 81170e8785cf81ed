"""Language games (ARIA's environments): multi-turn, free-text actions, a scripted or LLM counterpart.

Importing this package registers them: ``bargaining``, ``negotiation`` and ``twenty_questions`` so far
(Guess My City, with its knowledge base of cities, is still to come).
"""

from actionspace.envs.language.bargaining import BargainingConfig, BargainingGame
from actionspace.envs.language.base import LanguageGame, LLMCounterpart, Move, Turn
from actionspace.envs.language.negotiation import NegotiationConfig, NegotiationGame
from actionspace.envs.language.twenty_questions import TwentyQuestionsConfig, TwentyQuestionsGame

__all__ = [
    "BargainingConfig",
    "BargainingGame",
    "LLMCounterpart",
    "LanguageGame",
    "Move",
    "NegotiationConfig",
    "NegotiationGame",
    "Turn",
    "TwentyQuestionsConfig",
    "TwentyQuestionsGame",
]
