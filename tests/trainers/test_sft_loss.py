import math

import pytest
import torch

from actionspace.trainers.sft.losses import IGNORE_INDEX, sft_loss


def test_sft_loss_matches_hand_computation():
    # B=2, T=3, V=2. Position t predicts label t+1, so only labels[:, 1:] count, minus ignored ones.
    logits = torch.tensor(
        [
            [[0.0, 0.0], [math.log(3.0), 0.0], [9.0, 9.0]],  # row 0: t=0 uniform, t=1 p(0)=3/4
            [[0.0, math.log(4.0)], [5.0, 5.0], [7.0, 7.0]],  # row 1: t=0 p(1)=4/5
        ]
    )
    labels = torch.tensor(
        [
            [IGNORE_INDEX, 1, 0],  # targets: 1 under uniform (-log 1/2), 0 under 3/4 (-log 3/4)
            [IGNORE_INDEX, 0, IGNORE_INDEX],  # target: 0 under p(0)=1/5 (-log 1/5)
        ]
    )
    expected = (math.log(2) + math.log(4 / 3) + math.log(5)) / 3
    output = sft_loss(logits, labels)
    assert output.loss.item() == pytest.approx(expected, rel=1e-6)
    # greedy hits: row0 t0 is a tie (argmax picks 0, target 1: miss), row0 t1 hit, row1 t0 miss (argmax 1)
    assert output.diagnostics["token_accuracy"].item() == pytest.approx(1 / 3)


def test_sft_loss_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="disagree"):
        sft_loss(torch.zeros(2, 3, 4), torch.zeros(2, 4, dtype=torch.long))
