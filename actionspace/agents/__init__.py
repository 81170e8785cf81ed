"""LLM policies: prompt rendering, generation through an engine, raw text out (the env parses it)."""

from actionspace.agents.text_policy import TextPolicy

__all__ = ["TextPolicy"]
