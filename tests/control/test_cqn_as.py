"""CQN-AS: coarse-to-fine decoding, the C51 projection and demo losses against hand computations."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from actionspace.control.cqn_as.discretize import decode_action, encode_action, level_centres
from actionspace.control.cqn_as.loss import cqn_loss, project_distribution
from actionspace.control.cqn_as.network import CoarseToFineCritic
from actionspace.control.cqn_as.trainer import SequenceExecutor, _taken


def test_coarse_to_fine_encoding_by_hand():
    # 0.3 with 5 bins: level 0 bins of width 0.4 over [-1, 1] -> bin 3 = [0.2, 0.6);
    # level 1 width 0.08 -> (0.3 - 0.2) / 0.08 = 1.25 -> bin 1 = [0.28, 0.36);
    # level 2 width 0.016 -> (0.3 - 0.28) / 0.016 = 1.25 -> bin 1 = [0.296, 0.312), centre 0.304.
    indices = encode_action(torch.tensor([0.3, -1.0]), levels=3, bins=5)
    assert indices[:, 0].tolist() == [3, 1, 1]
    assert indices[:, 1].tolist() == [0, 0, 0]
    decoded = decode_action(indices, bins=5)
    assert decoded[0].item() == pytest.approx(0.304)
    assert decoded[1].item() == pytest.approx(-1.0 + 0.008)
    assert level_centres(indices, bins=5)[:, 0].tolist() == pytest.approx([0.0, 0.4, 0.32])


def test_encoding_round_trip_error_is_within_half_the_finest_bin():
    actions = torch.rand(1000, 3) * 2 - 1
    decoded = decode_action(encode_action(actions, levels=3, bins=5), bins=5)
    assert (decoded - actions).abs().max() <= 1.0 / 125 + 1e-6
    # the upper edge maps into the last bin, not past it
    assert encode_action(torch.tensor([1.0]), levels=2, bins=5)[:, 0].tolist() == [4, 4]
    # decoding is idempotent: grid points encode to themselves
    assert torch.allclose(decode_action(encode_action(decoded, levels=3, bins=5), bins=5), decoded)


def test_c51_projection_by_hand():
    support = torch.tensor([0.0, 1.0, 2.0])
    probs = torch.tensor([[0.2, 0.5, 0.3], [0.2, 0.5, 0.3], [0.2, 0.5, 0.3]])
    reward = torch.tensor([0.5, 0.0, 1.0])
    discount = torch.tensor([0.5, 0.0, 1.0])
    projected = project_distribution(probs, reward, discount, support)
    # Row 0: Tz = 0.5, 1.0, 1.5 -> 0.5 splits 0.1/0.1 onto atoms 0/1, 1.0 puts 0.5 on atom 1, 1.5 splits 0.15/0.15.
    assert projected[0].tolist() == pytest.approx([0.1, 0.1 + 0.5 + 0.15, 0.15])
    # Row 1: discount 0 -> everything on r = 0.
    assert projected[1].tolist() == pytest.approx([1.0, 0.0, 0.0])
    # Row 2: Tz = 1, 2, 3 -> clamped to 2.
    assert projected[2].tolist() == pytest.approx([0.0, 0.2, 0.8])
    assert torch.allclose(projected.sum(-1), torch.ones(3))


def test_projection_broadcasts_over_levels_positions_and_dims():
    support = torch.linspace(-1, 1, 5)
    probs = torch.softmax(torch.randn(4, 3, 2, 2, 5), -1)
    projected = project_distribution(probs, torch.rand(4), torch.rand(4), support)
    assert projected.shape == probs.shape
    assert torch.allclose(projected.sum(-1), torch.ones(4, 3, 2, 2))
    one = project_distribution(probs[1:2, 2, 1, 0], torch.tensor([0.3]), torch.tensor([0.9]), support)
    assert torch.allclose(
        project_distribution(probs, torch.full((4,), 0.3), torch.full((4,), 0.9), support)[1, 2, 1, 0], one[0]
    )


def test_cqn_loss_terms_by_hand():
    support = torch.tensor([0.0, 1.0])
    # One sample, one level, position, dim; two bins. Bin 0 taken (the demo's): P = [0.5, 0.5]; bin 1: [0.9, 0.1].
    probs_all = torch.tensor([[0.5, 0.5], [0.9, 0.1]]).view(1, 1, 1, 1, 2, 2)
    probs_taken = probs_all[..., 0, :]
    target = torch.tensor([0.0, 1.0]).view(1, 1, 1, 1, 2)
    out = cqn_loss(
        probs_taken.log(), target, probs_all, probs_taken, support, torch.tensor([1.0]), bc_lambda=2.0, bc_margin=0.5
    )
    td = -np.log(0.5)
    # Q(taken) = 0.5, Q = [0.5, 0.1]; margin terms max(0, 0.5 - 0) = 0.5 and max(0, 0.5 - 0.4) = 0.1 -> mean 0.3
    margin = 0.3
    # CDFs: taken [0.5, 1], bin 1 [0.9, 1] -> max(0, taken - other) sums to 0 for bin 1 and 0 for itself
    fosd = 0.0
    assert out.diagnostics["train/td_loss"].item() == pytest.approx(td)
    assert out.diagnostics["train/bc_margin_loss"].item() == pytest.approx(margin)
    assert out.diagnostics["train/bc_fosd_loss"].item() == pytest.approx(fosd)
    assert out.loss.item() == pytest.approx(td + 2.0 * (margin + fosd))
    # With the bins swapped the demo is dominated: FOSD = (0.9 - 0.5) over the first atom, averaged over 2 bins.
    swapped = probs_all.flip(-2)
    out = cqn_loss(
        swapped[..., 0, :].log(),
        target,
        swapped,
        swapped[..., 0, :],
        support,
        torch.tensor([1.0]),
        bc_lambda=1.0,
        bc_margin=0.0,
    )
    assert out.diagnostics["train/bc_fosd_loss"].item() == pytest.approx(0.4 / 2)
    # Non-demo rows contribute no demo loss.
    out = cqn_loss(
        swapped[..., 0, :].log(),
        target,
        swapped,
        swapped[..., 0, :],
        support,
        torch.tensor([0.0]),
        bc_lambda=1.0,
        bc_margin=0.5,
    )
    assert out.diagnostics["train/bc_margin_loss"].item() == 0.0


def test_taken_gathers_the_bins_of_the_sequence():
    values = torch.arange(2 * 3 * 4 * 2 * 5 * 1, dtype=torch.float32).view(2, 3, 4, 2, 5, 1)
    indices = torch.randint(0, 5, (2, 4, 3, 2))  # [B, K, L, D]
    taken = _taken(values, indices)
    for b, level, k, d in [(0, 0, 0, 0), (1, 2, 3, 1), (0, 1, 2, 1)]:
        assert taken[b, level, k, d, 0] == values[b, level, k, d, indices[b, k, level, d], 0]


def test_critic_greedy_sequence_is_the_argmax_at_every_level():
    torch.manual_seed(0)
    critic = CoarseToFineCritic(3, 2, sequence_length=3, levels=2, bins=4, atoms=11, v_min=0, v_max=1, hidden=16)
    for parameter in critic.parameters():
        torch.nn.init.normal_(parameter, std=0.5)
    observations = torch.randn(5, 3)
    greedy = critic.greedy(observations)
    q = critic.q_values(critic(observations, greedy))  # [B, L, K, D, bins]
    taken = _taken(q.unsqueeze(-1), greedy).squeeze(-1)
    assert torch.allclose(taken, q.max(-1).values, atol=1e-6)


def test_sequence_executor_chunk_and_temporal_ensemble():
    plans = [
        np.array([[[1.0], [2.0], [3.0]]]),
        np.array([[[10.0], [20.0], [30.0]]]),
        np.array([[[100.0], [0.0], [0.0]]]),
    ]
    chunk = SequenceExecutor(1, 3, "chunk", 0.0)
    assert [chunk.step(p)[0, 0] for p in plans] == [1.0, 2.0, 3.0]  # plays the first plan out
    ensemble = SequenceExecutor(1, 3, "ensemble", 0.0)
    out = [ensemble.step(p)[0, 0] for p in plans]
    # equal weights: step 0 -> 1; step 1 -> mean(2, 10); step 2 -> mean(3, 20, 100)
    assert out == pytest.approx([1.0, 6.0, 41.0])
    ensemble.reset([0])
    assert ensemble.step(plans[1])[0, 0] == 10.0
    decayed = SequenceExecutor(1, 2, "ensemble", np.log(2.0))
    decayed.step(np.array([[[0.0], [4.0]]]))
    # oldest weighs 1, newest 1/2: (4 * 1 + 1 * 0.5) / 1.5
    assert decayed.step(np.array([[[1.0], [9.0]]]))[0, 0] == pytest.approx(4.5 / 1.5)


def test_the_coarse_to_fine_grid_can_express_the_expert():
    # If snapping to the 3-level x 5-bin grid broke the expert, no amount of Q-learning could succeed.
    import gymnasium as gym

    from actionspace.envs.control import reacher_expert_action

    env = gym.make("actionspace/SparseReacher-v0")
    successes = []
    for episode in range(10):
        env.reset(seed=episode)
        done, info = False, {}
        while not done:
            action = torch.as_tensor(reacher_expert_action(env.unwrapped))
            snapped = decode_action(encode_action(action, levels=3, bins=5), bins=5).numpy()
            _, _, terminated, truncated, info = env.step(snapped)
            done = terminated or truncated
        successes.append(info["is_success"])
    assert all(successes)
