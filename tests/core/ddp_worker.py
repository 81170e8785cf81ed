"""Run under `accelerate launch` by test_ddp.py: a few SFT steps, then every rank saves its parameters."""

import sys
from pathlib import Path

import torch
from safetensors.torch import save_file

from actionspace.core.config import from_dict
from actionspace.core.run import Run
from actionspace.trainers.sft import SFTConfig, SFTTrainer

out = Path(sys.argv[1])
config = from_dict(
    SFTConfig,
    {
        "run": {"dir": str(out / "run"), "progress": False, "use_tensorboard": False, "log_every": 1},
        "max_steps": 3,
        "batch_size": 8,
        "warmup_steps": 1,
        "eval_before_training": False,
        "data": {"num_train": 32, "num_test": 2},
        "eval_max_new_tokens": 4,
    },
)
with Run(config.run, config_to_save=config) as run:
    trainer = SFTTrainer.from_config(config, run)
    initial = {n: p.detach().clone() for n, p in trainer.model.named_parameters()}
    trainer.train()
    final = {n: p.detach().contiguous() for n, p in run.unwrap(trainer.model).named_parameters()}
    changed = sum(not torch.equal(initial[n], final[n]) for n in final)
    save_file(final, str(out / f"rank{run.process_index}.safetensors"))
    (out / f"rank{run.process_index}.txt").write_text(f"{run.num_processes} {changed} {len(final)}")
