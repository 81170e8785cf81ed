"""Deterministic batch selection from the step number alone.

Because the examples of step ``s`` are a pure function of ``(seed, s)``, a resumed run sees exactly the
batches an uninterrupted run would, with no sampler state to checkpoint.
"""

from __future__ import annotations

import torch


def batch_indices(num_examples: int, batch_size: int, step: int, *, seed: int) -> list[int]:
    """Indices of the global batch for ``step``: epochs are fresh permutations, the last partial batch dropped."""
    if batch_size > num_examples:
        raise ValueError(f"batch size {batch_size} exceeds the {num_examples} examples available")
    steps_per_epoch = num_examples // batch_size
    epoch, position = divmod(step, steps_per_epoch)
    generator = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
    permutation = torch.randperm(num_examples, generator=generator)
    return permutation[position * batch_size : (position + 1) * batch_size].tolist()


def process_shard(indices: list[int], process_index: int, num_processes: int) -> list[int]:
    """This process's contiguous share of a global batch (the global size must divide evenly)."""
    if len(indices) % num_processes:
        raise ValueError(f"global batch of {len(indices)} does not split evenly over {num_processes} processes")
    per_process = len(indices) // num_processes
    return indices[process_index * per_process : (process_index + 1) * per_process]
