"""Every recipe in configs/ loads and validates, and the LoRA recipe trains on the tiny model."""

from __future__ import annotations

from pathlib import Path

import pytest

from actionspace.cli import _load_layers, load_train_config, main
from tests.conftest import REPO_ROOT

RECIPES = sorted(Path(REPO_ROOT, "configs").glob("*.yaml"))
# Recipes for hardware this machine lacks load with a stand-in (their hardware check has its own test).
STAND_INS = {"sols_androidworld.yaml": ["env.kwargs.simulator=fake", "eval_env.kwargs.simulator=fake"]}


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda p: p.name)
def test_recipe_loads(recipe):
    _load_layers()
    trainer_class, config, name = load_train_config(str(recipe), STAND_INS.get(recipe.name, []))
    assert config.run.name and trainer_class.config_class is type(config)


def test_lora_recipe_runs_on_the_tiny_model(tmp_path, capsys):
    status = main(
        [
            "train",
            f"{REPO_ROOT}/configs/sft_lora.yaml",
            f"run.dir={tmp_path}",
            "max_steps=2",
            "warmup_steps=0",
            "batch_size=4",
            "data.num_train=8",
            "data.num_test=2",
            "eval_max_new_tokens=4",
            "run.progress=false",
        ]
    )
    assert status == 0
    assert (tmp_path / "adapter" / "adapter_config.json").is_file() and (tmp_path / "model" / "config.json").is_file()
