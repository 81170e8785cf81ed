"""Instruction data sets for supervised fine-tuning: generated ones (registered) and the user's JSONL."""

from actionspace.data.instructions import InstructionData, load_jsonl_messages
from actionspace.data.phone_commands import PhoneCommands

__all__ = ["InstructionData", "PhoneCommands", "load_jsonl_messages"]
