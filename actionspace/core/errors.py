"""Errors a run raises that the command line reports in one line. Kept free of torch imports, so that
``actionspace --help`` stays fast (the CLI imports this module at start-up)."""

from __future__ import annotations

from pathlib import Path


class CheckpointWriteError(RuntimeError):
    """A checkpoint could not be written (a full disk, most often). The half-written one is removed and the
    last complete checkpoint is untouched, so the run can be resumed from it once the cause is fixed."""

    def __init__(self, step: int, output_dir: Path, last_complete: Path | None, cause: BaseException) -> None:
        kept = f"the last complete checkpoint, {last_complete}, is intact" if last_complete else "no earlier one exists"
        super().__init__(
            f"could not write the checkpoint of step {step} under {output_dir / 'checkpoints'} ({cause}); {kept}. "
            f"Free space, then resume with run.dir={output_dir} run.resume=true"
        )
        self.step = step
