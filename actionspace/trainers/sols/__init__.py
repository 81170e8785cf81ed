"""SoLS with Successful Transition Replay (in progress: the loss and the replay buffer; the trainer, its
baselines and the make-run pipeline are the rest of the SoLS issue)."""

from actionspace.trainers.sols.losses import sols_loss
from actionspace.trainers.sols.replay import SuccessfulTransitionReplay

__all__ = ["SuccessfulTransitionReplay", "sols_loss"]
