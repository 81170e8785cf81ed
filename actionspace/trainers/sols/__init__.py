"""SoLS with Successful Transition Replay, and the baselines of its table (in progress: the losses, the
replay buffer, the policy and rollouts exist; the trainer loop, the make-run pipeline and the benchmark
are the rest of the SoLS issue)."""

from actionspace.trainers.sols.losses import LOSSES, a2c_loss, filtered_loss, ppo_loss, sols_loss
from actionspace.trainers.sols.replay import SuccessfulTransitionReplay

__all__ = ["LOSSES", "SuccessfulTransitionReplay", "a2c_loss", "filtered_loss", "ppo_loss", "sols_loss"]
