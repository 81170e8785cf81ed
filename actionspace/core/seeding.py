"""Random draws set aside from training's stream."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch


@contextmanager
def seeded_draws(seed: int) -> Iterator[None]:
    """Torch's draws inside come from ``seed``; after it, the stream goes on as if nothing had been drawn.

    Sampled evaluations run inside it: every policy of a run seed meets the same draws (methods compare on
    common random numbers), and evaluating does not change what training draws next (a resumed run, which
    evaluates at other points, stays on the uninterrupted run's stream)."""
    with torch.random.fork_rng(devices=[torch.cuda.current_device()] if torch.cuda.is_available() else []):
        torch.manual_seed(seed)
        yield
