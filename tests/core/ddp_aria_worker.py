"""Run under `accelerate launch` by test_ddp.py: each rank plays its own self-play games, keeps a different
number of their moves (rank r drops 3r), gives them returns of its own (rank r: 100 r + 1, 100 r + 2, ...),
makes one update in minibatches of 2, and saves its parameters, returns and advantages. Unequal sample
counts are what real rollouts give; the ranks must still step together, and scale returns over both."""

import json
import sys
from pathlib import Path

from safetensors.torch import save_file

from actionspace.cli import load_train_config
from actionspace.core.run import Run
from actionspace.trainers.aria.trainer import ARIATrainer

out = Path(sys.argv[1])
settings = {
    "run.dir": out / "run",
    "run.progress": "false",
    "run.use_tensorboard": "false",
    "advantage": "reinforce",
    "games_per_iteration": 2,
    "num_envs": 2,
    "max_new_tokens": 8,
    "minibatch_size": 2,
}
config = load_train_config("configs/aria_bargaining.yaml", [f"{key}={value}" for key, value in settings.items()])[1]
with Run(config.run, config_to_save=config) as run:
    trainer = ARIATrainer.from_config(config, run)
    trainer.policy, trainer.optimizer = run.prepare(trainer.policy, trainer.optimizer)
    samples, _ = trainer.self_play(1)
    samples = samples[: len(samples) - 3 * run.process_index]
    for index, sample in enumerate(samples):
        sample.transition.return_ = 100.0 * run.process_index + index + 1
    advantages, _ = trainer.advantages(samples)
    metrics = trainer.update(samples, advantages, 1)
    final = {n: p.detach().contiguous() for n, p in run.unwrap(trainer.policy).named_parameters()}
    save_file(final, str(out / f"rank{run.process_index}.safetensors"))
    report = {
        "processes": run.num_processes,
        "updates": metrics["train/updates"],
        "returns": [sample.transition.return_ for sample in samples],
        "advantages": advantages.tolist(),
    }
    (out / f"rank{run.process_index}.json").write_text(json.dumps(report))
