"""Shared fixtures: offline, few threads, tiny models built locally, run directories under tmp_path."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("OMP_NUM_THREADS", "2")

import pytest  # noqa: E402
import torch  # noqa: E402

from actionspace.core.models import ModelConfig, load_model  # noqa: E402
from actionspace.core.run import RunConfig  # noqa: E402

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def run_config(tmp_path) -> RunConfig:
    """A quiet run config writing under a temporary root."""
    return RunConfig(name="test", root=str(tmp_path / "runs"), progress=False, use_tensorboard=False)


@pytest.fixture
def tiny_model():
    torch.manual_seed(0)
    return load_model(ModelConfig(size="tiny"))
