"""Language games (ARIA's environments): multi-turn, free-text actions, a scripted or LLM counterpart.

Importing this package registers them: ``bargaining`` and ``negotiation`` so far (Twenty Questions and
Guess My City, with their knowledge bases, are still to come).
"""

from actionspace.envs.language.bargaining import BargainingConfig, BargainingGame
from actionspace.envs.language.base import LanguageGame, LLMCounterpart, Move, Turn
from actionspace.envs.language.negotiation import NegotiationConfig, NegotiationGame

__all__ = [
    "BargainingConfig",
    "BargainingGame",
    "LLMCounterpart",
    "LanguageGame",
    "Move",
    "NegotiationConfig",
    "NegotiationGame",
    "Turn",
]
