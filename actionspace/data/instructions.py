"""The instruction-data interface shared by generated data sets and a user's own JSONL file.

An example is a chat: ``{"messages": [{"role": "system" | "user" | "assistant", "content": str}, ...]}``,
the conversational format TRL's SFT uses. The last message is the assistant's reference answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal, Protocol

from actionspace.core.config import ConfigError

Split = Literal["train", "test"]
Example = dict[str, list[dict[str, str]]]


class InstructionData(Protocol):
    """A source of chat examples with a task-specific score for a generated answer."""

    def examples(self, split: Split, num: int, seed: int) -> list[Example]:
        """``num`` examples of ``split``; the same arguments always give the same examples."""
        ...

    def score(self, completion: str, reference: str) -> dict[str, float]:
        """Per-example metrics in [0, 1]; must include ``accuracy``."""
        ...


class JsonlMessages:
    """A user's data: ``<path>/train.jsonl`` and ``<path>/test.jsonl`` of chat examples, scored by exact match."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        for split in ("train", "test"):
            if not (self.path / f"{split}.jsonl").is_file():
                raise ConfigError(
                    f"data.path must contain train.jsonl and test.jsonl; missing {self.path / f'{split}.jsonl'}"
                )

    def examples(self, split: Split, num: int, seed: int) -> list[Example]:
        return load_jsonl_messages(self.path / f"{split}.jsonl")[:num]

    def score(self, completion: str, reference: str) -> dict[str, float]:
        return {"accuracy": float(completion.strip() == reference.strip())}


def load_jsonl_messages(path: Path) -> list[Example]:
    """Reads chat examples, naming the first malformed line instead of failing somewhere in training."""
    examples: list[Example] = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record: Any = json.loads(line)
            messages = record["messages"]
            valid = (
                isinstance(messages, list)
                and messages
                and all(
                    isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
                    for m in messages
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError):
            valid = False
        if not valid or messages[-1]["role"] != "assistant":
            raise ConfigError(
                f'{path}:{number}: expected {{"messages": [..., {{"role": "assistant", "content": ...}}]}}'
            )
        examples.append({"messages": messages})
    return examples
