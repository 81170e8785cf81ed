"""The CLI: bad input gives one clear line, exit status 2, and nothing written."""

from __future__ import annotations

import pytest

from actionspace import cli
from actionspace.cli import EXIT_CHECKPOINT_ERROR, EXIT_CONFIG_ERROR, main
from actionspace.core.errors import CheckpointWriteError
from tests.conftest import REPO_ROOT

RECIPE = f"{REPO_ROOT}/configs/sft_phone_commands.yaml"


@pytest.fixture
def root(tmp_path):
    return tmp_path / "runs"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            [RECIPE, "learning_rat=0.1"],
            "unknown config key 'learning_rat'; valid keys: adam_beta1, adam_beta2, batch_size, ",
        ),
        ([RECIPE, "run.sed=1"], "unknown config key 'run.sed'; valid keys under run: cpu, dir, "),
        ([RECIPE, "max_steps=many"], "max_steps must be an integer, got 'many'"),
        ([RECIPE, "model.size=huge"], "model.size must be one of 'tiny', 'small', 'base', got 'huge'"),
        (["configs/does_not_exist.yaml"], "config file not found: configs/does_not_exist.yaml"),
        ([RECIPE, "model.path=/no/such/model"], "model.path does not exist or is not a directory: /no/such/model"),
        ([RECIPE, "warmup_steps=99999"], "warmup_steps must be in [0, max_steps)"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(arguments, message, root, capsys):
    status = main(["train", *arguments, f"run.root={root}"])
    err = capsys.readouterr().err
    assert status == EXIT_CONFIG_ERROR
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err
    assert not root.exists()


def test_recipe_without_trainer_key(tmp_path, capsys):
    recipe = tmp_path / "r.yaml"
    recipe.write_text("max_steps: 3\n")
    assert main(["train", str(recipe)]) == EXIT_CONFIG_ERROR
    err = capsys.readouterr().err
    assert "has no `trainer:` key; known trainers:" in err
    assert all(name in err for name in ("sft", "sols", "ppo", "genpo", "cqn_as"))


def test_show_config_lists_documented_keys(capsys):
    assert main(["train", RECIPE, "--show-config"]) == 0
    out = capsys.readouterr().out
    assert "learning_rate" in out and "run.save_every" in out and "Peak AdamW learning rate" in out


def test_list_shows_registered_names(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    trainers = next(line for line in out.splitlines() if line.startswith("trainers"))
    assert {"sft", "sols", "ppo", "genpo", "cqn_as"} <= set(trainers.split(maxsplit=1)[1].split(", "))
    assert "hf" in out and "phone_commands" in out


def test_checkpoint_that_cannot_be_written_is_one_line_naming_what_to_resume(tmp_path, capsys, monkeypatch):
    last_good = tmp_path / "checkpoints" / "step_00000002"

    def disk_full(args):
        raise CheckpointWriteError(4, tmp_path, last_good, OSError(28, "No space left on device"))

    monkeypatch.setattr(cli, "_train", disk_full)
    assert main(["train", "configs/sft_phone_commands.yaml"]) == EXIT_CHECKPOINT_ERROR
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: could not write the checkpoint of step 4")
    assert str(last_good) in err and f"run.dir={tmp_path} run.resume=true" in err


def test_eval_of_missing_policy(capsys):
    assert main(["eval", "--policy", "/no/such/model"]) == EXIT_CONFIG_ERROR
    assert "model.path does not exist" in capsys.readouterr().err


def test_unknown_benchmark(capsys, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    assert main(["bench", "nope"]) == EXIT_CONFIG_ERROR
    assert "unknown benchmark 'nope'" in capsys.readouterr().err


def test_eval_env_prints_a_per_template_table_and_writes_json(tmp_path, capsys):
    import json

    status = main(
        [
            "eval",
            "--env",
            "simphone",
            "--policy",
            "oracle",
            "--episodes",
            "3",
            "--templates",
            "WifiOn",
            "DeleteFile",
            "--output",
            str(tmp_path),
        ]
    )
    assert status == 0
    out = capsys.readouterr().out
    assert "| DeleteFile | 1.000" in out and "| WifiOn | 1.000" in out
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["all"]["episodes"] == 6.0 and results["all"]["success"] == 1.0
    assert len(json.loads((tmp_path / "episodes.json").read_text())) == 6


def test_eval_env_unknown_template(capsys):
    assert main(["eval", "--env", "simphone", "--policy", "oracle", "--templates", "Nope"]) == EXIT_CONFIG_ERROR
    assert "unknown simphone template 'Nope'" in capsys.readouterr().err
