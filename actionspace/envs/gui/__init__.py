"""GUI environments in AndroidWorld's action/observation format."""

from actionspace.envs.gui.schema import ACTION_TYPES, JSONAction, ParsedAction, UIElement, parse_action

__all__ = ["ACTION_TYPES", "JSONAction", "ParsedAction", "UIElement", "parse_action"]
