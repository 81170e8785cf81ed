"""`Run`: the one place that owns the Accelerator, seeding, the output directory, metrics and checkpoints.

A trainer's loop looks like this::

    with Run(config.run, config=config) as run:
        model, optimizer = run.prepare(model, optimizer)
        run.register_for_checkpointing(scheduler)
        run.restore()                        # no-op unless resuming
        for step in run.steps(config.max_steps):
            ...                              # one optimizer step
            run.log({"train/loss": loss})

``steps()`` checkpoints every ``save_every`` steps and at the end, stops cleanly at a step boundary on
SIGTERM or Ctrl-C (checkpointing first), and drives the progress bar. Checkpoints are written to a
temporary directory and renamed into place, so a run killed mid-save never leaves a half checkpoint
that a resume would pick up.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import torch
import yaml
from accelerate import Accelerator
from accelerate.utils import broadcast_object_list, set_seed

from actionspace.core.config import ConfigError, to_yaml
from actionspace.core.errors import CheckpointWriteError

# accelerate warns on every checkpoint of a model with tied embeddings (all the tiny models) that it
# dropped the duplicate lm_head tensor; the reload re-ties it, and tests check that resume is exact.
logging.getLogger("accelerate.utils.other").addFilter(lambda record: "Removed shared tensor" not in record.getMessage())

CHECKPOINT_PREFIX = "step_"
METRICS_FILE = "metrics.jsonl"
CONFIG_FILE = "config.yaml"


@dataclass(kw_only=True)
class RunConfig:
    # Where outputs go
    name: str = "run"
    """Run name; outputs go to `<root>/<name>/<timestamp>/`."""
    root: str = "runs"
    """Directory that holds all runs."""
    dir: str | None = None
    """Exact output directory, overriding root/name/timestamp (set it to resume one particular run)."""

    # Reproducibility and resuming
    seed: int = 0
    """Seed for python, numpy and torch on every process."""
    resume: bool = False
    """Resume from the latest checkpoint of `dir`, or of the newest run under `<root>/<name>/` if `dir` is unset."""

    # Checkpoints, logging, progress
    save_every: int = 100
    """Checkpoint every N steps (0: only at the end); a checkpoint is also written when the run is stopped."""
    keep_checkpoints: int = 2
    """How many most recent checkpoints to keep on disk."""
    log_every: int = 10
    """Trainers log training metrics every N steps."""
    use_tensorboard: bool = True
    """Also write metrics as TensorBoard events under `<run dir>/tensorboard/`."""
    progress: bool = True
    """Show a progress bar with rate and ETA on the main process."""

    # Hardware
    cpu: bool = False
    """Run on the CPU even when an accelerator is available."""
    mixed_precision: Literal["no", "bf16", "fp16"] = "no"
    """Mixed-precision mode passed to accelerate."""

    def __post_init__(self) -> None:
        if self.save_every < 0:
            raise ConfigError(f"run.save_every must be >= 0, got {self.save_every}")
        if self.keep_checkpoints < 1:
            raise ConfigError(f"run.keep_checkpoints must be >= 1, got {self.keep_checkpoints}")
        if self.log_every < 1:
            raise ConfigError(f"run.log_every must be >= 1, got {self.log_every}")
        if not self.name or "/" in self.name:
            raise ConfigError(f"run.name must be a non-empty name without '/', got {self.name!r}")


class RunInterrupted(KeyboardInterrupt):
    """Raised out of :meth:`Run.steps` after a stop was requested and a checkpoint written."""

    def __init__(self, step: int, output_dir: Path) -> None:
        super().__init__(f"stopped at step {step}; resume with run.dir={output_dir} run.resume=true")
        self.step = step
        self.output_dir = output_dir


class Run:
    """Owns the accelerator, seeding, output directory, metrics, progress and checkpoints of one run.

    Args:
        config: the run section of a trainer config.
        config_to_save: the whole resolved trainer config, written to ``config.yaml`` in the run directory.
    """

    def __init__(self, config: RunConfig, *, config_to_save: Any | None = None) -> None:
        self.config = config
        self.accelerator = Accelerator(
            # Without CUDA, cpu=True is what makes accelerate use gloo under torchrun (MULTI_CPU).
            cpu=config.cpu or not torch.cuda.is_available(),
            mixed_precision=config.mixed_precision,
            # Trainers state a global batch size and split it over processes themselves, so the
            # scheduler must step once per optimizer step whatever the number of processes.
            split_batches=True,
        )
        set_seed(config.seed)
        self.step = 0
        self._last_saved_step: int | None = None
        self._resume_from = self._find_checkpoint_to_resume() if config.resume else None
        self.output_dir = self._resolve_output_dir()
        self.checkpoint_dir = self.output_dir / "checkpoints"
        self._stop_requested = False
        self._previous_handlers: dict[int, Any] = {}
        self._writer: Any = None
        self._metrics_file: Any = None
        self._progress: Any = None
        self._rate_clock: tuple[float, int] | None = None
        if self.is_main:
            self.output_dir.mkdir(parents=True, exist_ok=True)
            if config_to_save is not None:
                self._save_config(config_to_save)
        self.accelerator.wait_for_everyone()

    # ----------------------------------------------------------------------------------------------
    # Properties
    @property
    def is_main(self) -> bool:
        return self.accelerator.is_main_process

    @property
    def device(self) -> torch.device:
        return self.accelerator.device

    @property
    def num_processes(self) -> int:
        return self.accelerator.num_processes

    @property
    def process_index(self) -> int:
        return self.accelerator.process_index

    @property
    def process_seed(self) -> int:
        """A seed that differs per process, for things that must not repeat across ranks (env resets)."""
        return self.config.seed + self.process_index

    # ----------------------------------------------------------------------------------------------
    # Model preparation and checkpoint state
    def prepare(self, *objects: Any) -> Any:
        """``accelerator.prepare``: wraps models for DDP/FSDP, moves them to the device, and has their
        state (with optimizers and schedulers) saved in checkpoints."""
        return self.accelerator.prepare(*objects)

    def register_for_checkpointing(self, *objects: Any) -> None:
        """Adds objects with ``state_dict``/``load_state_dict`` (a scheduler, a replay buffer) to checkpoints."""
        self.accelerator.register_for_checkpointing(*objects)

    def unwrap(self, model: torch.nn.Module) -> torch.nn.Module:
        return self.accelerator.unwrap_model(model)

    def restore(self) -> int:
        """Loads the checkpoint chosen by ``run.resume`` (if any) and returns the step to continue from."""
        if self._resume_from is None:
            return self.step
        self.accelerator.load_state(str(self._resume_from))
        state = json.loads((self._resume_from / "run_state.json").read_text())
        self.step = self._last_saved_step = int(state["step"])
        if self.is_main:
            self._truncate_metrics(self.step)
            print(f"resumed from {self._resume_from} at step {self.step}")
        return self.step

    def save_checkpoint(self) -> Path:
        """Writes a checkpoint of everything prepared or registered, atomically (temporary dir + rename)."""
        final = self.checkpoint_dir / f"{CHECKPOINT_PREFIX}{self.step:08d}"
        if self._last_saved_step == self.step and final.exists():
            return final
        tmp = self.checkpoint_dir / f".tmp-{final.name}"
        if self.is_main:
            shutil.rmtree(tmp, ignore_errors=True)
            self.checkpoint_dir.mkdir(parents=True, exist_ok=True)
        self.accelerator.wait_for_everyone()
        try:
            self.accelerator.save_state(str(tmp))
            if self.is_main:
                (tmp / "run_state.json").write_text(json.dumps({"step": self.step}))
        # Not only OSError: safetensors reports a full disk as its own SafetensorError.
        except Exception as error:
            shutil.rmtree(tmp, ignore_errors=True)  # it would hold the space a retry needs
            raise CheckpointWriteError(
                self.step, self.output_dir, latest_checkpoint(self.checkpoint_dir), error
            ) from error
        self.accelerator.wait_for_everyone()
        if self.is_main:
            if self._metrics_file is not None:
                self._metrics_file.flush()
                os.fsync(self._metrics_file.fileno())
            if final.exists():
                shutil.rmtree(final)
            os.replace(tmp, final)
            self._prune_checkpoints()
        self.accelerator.wait_for_everyone()
        self._last_saved_step = self.step
        return final

    # ----------------------------------------------------------------------------------------------
    # The step loop
    def steps(self, total: int) -> Iterator[int]:
        """Yields 0-based step indices from the current step to ``total - 1``.

        Before each step's body it advances ``run.step`` (so the body sees the count including its own
        update); after the body it checkpoints every ``save_every`` steps, and
        stops at a step boundary when SIGTERM or SIGINT arrived (raising :class:`RunInterrupted` after
        checkpointing). A checkpoint is written when the loop ends.
        """
        self._install_signal_handlers()
        self._open_progress(total)
        self._rate_clock = (time.perf_counter(), self.step)
        try:
            while self.step < total:
                # Inside the body, run.step already counts the update being made, so metrics logged
                # there are stamped "after k updates"; the yielded index (k - 1) selects the data.
                index = self.step
                self.step += 1
                yield index
                if self._progress is not None:
                    self._progress.update(1)
                if self.config.save_every and self.step % self.config.save_every == 0:
                    self.save_checkpoint()
                if self._stop_requested_anywhere():
                    self.save_checkpoint()
                    raise RunInterrupted(self.step, self.output_dir)
            self.save_checkpoint()
        finally:
            self._close_progress()
            self._restore_signal_handlers()

    def finite_everywhere(self, loss: torch.Tensor) -> bool:
        """Whether ``loss`` is finite on every process. Trainers skip the update when it is not: all ranks
        must take the same branch, or DDP would hang in the next collective."""
        finite = torch.isfinite(loss.detach()).all().float().reshape(1)
        if self.num_processes == 1:
            return bool(finite.item())
        return bool(self.accelerator.reduce(finite, reduction="sum").item() == self.num_processes)

    def gather_batch(self, items: list[Any]) -> tuple[list[Any], slice]:
        """Every process's ``items`` in rank order (the same list on every process, for statistics of the whole
        batch), and where this process's own lie in it."""
        if self.num_processes == 1:
            return items, slice(0, len(items))
        from accelerate.utils import gather_object

        per_process = gather_object([items])  # one collective: each process's list, in rank order
        start = sum(len(theirs) for theirs in per_process[: self.process_index])
        return [item for theirs in per_process for item in theirs], slice(start, start + len(items))

    def minibatch_starts(self, num_items: int, minibatch_size: int) -> range:
        """Where each minibatch of ``num_items`` starts, as many minibatches as the process with the fewest has.
        Rollouts leave each process its own number of samples; one more backward on one process than on
        another would leave DDP's gradient all-reduce waiting for a partner that never comes. The samples past
        the agreed count (the tail of a shuffled order) are left out of that epoch."""
        count = math.ceil(num_items / minibatch_size)
        if self.num_processes > 1:
            counts = self.accelerator.gather(torch.tensor([count], device=self.accelerator.device))
            count = int(counts.min().item())
        return range(0, min(num_items, count * minibatch_size), minibatch_size)

    def should_log(self) -> bool:
        """True on the steps where trainers log training metrics (every ``log_every`` updates, and the first)."""
        return self.step % self.config.log_every == 0 or self.step == 1

    # ----------------------------------------------------------------------------------------------
    # Metrics
    def log(self, metrics: dict[str, float], *, step: int | None = None) -> None:
        """Appends metrics to ``metrics.jsonl`` and TensorBoard (main process only).

        ``step`` defaults to the number of completed steps; ``perf/steps_per_s`` is added when the
        loop has advanced since the previous log call.
        """
        if not self.is_main:
            return
        step = self.step if step is None else step
        record: dict[str, Any] = {"step": step}
        for key, value in metrics.items():
            record[key] = _to_float(value)
        if self._rate_clock is not None and step == self.step:
            then, then_step = self._rate_clock
            now = time.perf_counter()
            if self.step > then_step and now > then:
                record.setdefault("perf/steps_per_s", (self.step - then_step) / (now - then))
                self._rate_clock = (now, self.step)
        record["wall_time"] = time.time()
        if self._metrics_file is None:
            # Line-buffered: a user tailing metrics.jsonl, and a killed run, see every record written so far.
            self._metrics_file = open(self.output_dir / METRICS_FILE, "a", buffering=1)  # noqa: SIM115
        self._metrics_file.write(json.dumps(record) + "\n")
        writer = self._tensorboard()
        if writer is not None:
            for key, value in record.items():
                if key not in ("step", "wall_time") and isinstance(value, float) and math.isfinite(value):
                    writer.add_scalar(key, value, step)
        if self._progress is not None and "train/loss" in record:
            self._progress.set_postfix(loss=f"{record['train/loss']:.4g}", refresh=False)

    def print(self, *args: Any) -> None:
        """Prints on the main process only."""
        if self.is_main:
            print(*args, flush=True)

    def close(self) -> None:
        self._close_progress()
        if self._metrics_file is not None:
            self._metrics_file.close()
            self._metrics_file = None
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # ----------------------------------------------------------------------------------------------
    # Internals
    def _resolve_output_dir(self) -> Path:
        if self._resume_from is not None:
            return self._resume_from.parent.parent
        if self.config.dir is not None:
            return Path(self.config.dir)
        # Every process must agree on the timestamped directory: the main process picks it.
        choice: list[str | None] = [None]
        if self.is_main:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            candidate = Path(self.config.root) / self.config.name / stamp
            suffix = 1
            while candidate.exists():
                candidate = Path(self.config.root) / self.config.name / f"{stamp}-{suffix}"
                suffix += 1
            choice = [str(candidate)]
        if self.num_processes > 1:
            broadcast_object_list(choice, from_process=0)
        return Path(choice[0])  # type: ignore[arg-type]

    def _find_checkpoint_to_resume(self) -> Path | None:
        if self.config.dir is not None:
            candidates = [Path(self.config.dir)]
        else:
            parent = Path(self.config.root) / self.config.name
            candidates = sorted(parent.iterdir(), key=lambda p: p.name, reverse=True) if parent.is_dir() else []
        for run_dir in candidates:
            checkpoint = latest_checkpoint(run_dir / "checkpoints")
            if checkpoint is not None:
                return checkpoint
        where = self.config.dir or f"{self.config.root}/{self.config.name}"
        if self.accelerator.is_main_process:
            print(f"run.resume: no checkpoint under {where}; starting from scratch")
        return None

    def _save_config(self, config: Any) -> None:
        path = self.output_dir / CONFIG_FILE
        text = to_yaml(config)
        # The run section legitimately changes on resume (run.resume, run.dir); anything else is suspect.
        if path.exists() and _without_run(yaml.safe_load(path.read_text())) != _without_run(yaml.safe_load(text)):
            print(f"warning: the config differs from the one saved in {path}; the new one replaces it")
        path.write_text(text)

    def _tensorboard(self) -> Any:
        if not self.config.use_tensorboard:
            return None
        if self._writer is None:
            from torch.utils.tensorboard import SummaryWriter

            # purge_step drops events that a killed run wrote after its last checkpoint.
            purge = self._last_saved_step + 1 if self._last_saved_step is not None else None
            self._writer = SummaryWriter(log_dir=str(self.output_dir / "tensorboard"), purge_step=purge)
        return self._writer

    def _truncate_metrics(self, step: int) -> None:
        """Drops metrics a killed run logged after its last checkpoint, so they are not counted twice."""
        path = self.output_dir / METRICS_FILE
        if not path.exists():
            return
        kept = [line for line in path.read_text().splitlines() if line and json.loads(line)["step"] <= step]
        tmp = path.with_suffix(".tmp")
        tmp.write_text("".join(line + "\n" for line in kept))
        os.replace(tmp, path)

    def _prune_checkpoints(self) -> None:
        checkpoints = sorted(self.checkpoint_dir.glob(f"{CHECKPOINT_PREFIX}*"))
        for old in checkpoints[: -self.config.keep_checkpoints]:
            shutil.rmtree(old, ignore_errors=True)

    def _open_progress(self, total: int) -> None:
        if not (self.config.progress and self.is_main):
            return
        from tqdm.auto import tqdm

        self._progress = tqdm(
            total=total, initial=self.step, desc=self.config.name, unit="step", dynamic_ncols=True, mininterval=0.5
        )

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.close()
            self._progress = None

    def _install_signal_handlers(self) -> None:
        import threading

        if threading.current_thread() is not threading.main_thread():
            return

        def request_stop(signum: int, frame: Any) -> None:
            if self._stop_requested and signum == signal.SIGINT:
                raise KeyboardInterrupt
            self._stop_requested = True
            if self.is_main:
                print(
                    f"\n{signal.Signals(signum).name}: stopping after this step (checkpoint first); "
                    "Ctrl-C again to abort now",
                    flush=True,
                )

        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous_handlers[signum] = signal.signal(signum, request_stop)

    def _restore_signal_handlers(self) -> None:
        for signum, handler in self._previous_handlers.items():
            signal.signal(signum, handler)
        self._previous_handlers.clear()

    def _stop_requested_anywhere(self) -> bool:
        if self.num_processes == 1:
            return self._stop_requested
        # Every rank must stop at the same step, or the next collective would hang.
        flag = torch.tensor([1.0 if self._stop_requested else 0.0], device=self.device)
        return bool(self.accelerator.reduce(flag, reduction="sum").item() > 0)


def latest_checkpoint(checkpoint_dir: Path) -> Path | None:
    """The most recent complete checkpoint in a directory (temporary, half-written ones are ignored)."""
    if not checkpoint_dir.is_dir():
        return None
    complete = [p for p in checkpoint_dir.glob(f"{CHECKPOINT_PREFIX}*") if (p / "run_state.json").exists()]
    return max(complete, key=lambda p: p.name, default=None)


def _without_run(config: Any) -> Any:
    return {k: v for k, v in config.items() if k != "run"} if isinstance(config, dict) else config


def _to_float(value: Any) -> float:
    if isinstance(value, torch.Tensor):
        return float(value.detach().float().mean().item())
    return float(value)
