import math

import pytest
import torch

from actionspace.trainers.sols.losses import sols_loss


def test_sols_loss_matches_hand_computation():
    # rho = [1.1, 1.5, 0.9, 1.5] (behaviour log-probs 0); V = [.2, .4, .7, .9]; R = [1, 1, 0, 0]
    # A = R - V = [.8, .6, -.7, -.9]
    # w: A >= 0 -> 1, 1; A < 0 -> |0.9 - 1| = 0.1 <= 0.2 keeps it, |1.5 - 1| = 0.5 drops it -> w = [1, 1, 1, 0]
    # actor = -mean([1.1*.8, 1.5*.6, .9*-.7, 0]) = -(0.88 + 0.9 - 0.63) / 4 = -0.2875
    # critic = mean([.64, .36, .49, .81]) = 0.575 ; loss = -0.2875 + 0.5 * 0.575 = 0.0
    logprobs = torch.tensor([math.log(1.1), math.log(1.5), math.log(0.9), math.log(1.5)], requires_grad=True)
    values = torch.tensor([0.2, 0.4, 0.7, 0.9], requires_grad=True)
    returns = torch.tensor([1.0, 1.0, 0.0, 0.0])
    output = sols_loss(logprobs, torch.zeros(4), values, returns)
    assert output.diagnostics["policy_loss"].item() == pytest.approx(-0.2875, abs=1e-6)
    assert output.diagnostics["value_loss"].item() == pytest.approx(0.575, abs=1e-6)
    assert output.loss.item() == pytest.approx(0.0, abs=1e-6)
    assert output.diagnostics["masked_frac"].item() == 0.25
    assert output.diagnostics["ratio_mean"].item() == pytest.approx(1.25, abs=1e-6)
    assert output.diagnostics["advantage_mean"].item() == pytest.approx(-0.05, abs=1e-6)

    output.loss.backward()
    # d/d logpi_i = -w_i * rho_i * A_i / 4 (d rho / d logpi = rho): the dropped sample gets no gradient
    assert torch.allclose(logprobs.grad, torch.tensor([-0.22, -0.225, 0.1575, 0.0]), atol=1e-6)
    # the actor sees V detached; the critic's gradient is 0.5 * 2 (V - R) / 4 = (V - R) / 4
    assert torch.allclose(values.grad, torch.tensor([-0.2, -0.15, 0.175, 0.225]), atol=1e-6)


def test_positive_advantage_is_never_clipped():
    # a far off-policy action with A > 0 still gets the full rho * A push ("succeed")
    logprobs = torch.tensor([math.log(5.0)], requires_grad=True)
    output = sols_loss(logprobs, torch.zeros(1), torch.tensor([0.0]), torch.tensor([1.0]), value_coef=0.0)
    assert output.loss.item() == pytest.approx(-5.0) and output.diagnostics["masked_frac"].item() == 0.0


def test_positive_ratio_cap_truncates_the_weight_of_positive_samples_only():
    # The batch above with positive_ratio_cap = 1.2: positive samples weigh min(rho, 1.2) = [1.1, 1.2]; the
    # negative ones keep SoLS's rule (0.9 kept, 1.5 dropped).
    # actor = -mean([1.1*.8, 1.2*.6, .9*-.7, 0]) = -(0.88 + 0.72 - 0.63) / 4 = -0.2425
    # d/d logpi = -[1.1*.8, 1.2*.6, .9*-.7, 0] / 4 = [-0.22, -0.18, 0.1575, 0]: the capped sample keeps
    # being pushed (weight 1.2, not 0 as in PPO's clip).
    logprobs = torch.tensor([math.log(1.1), math.log(1.5), math.log(0.9), math.log(1.5)], requires_grad=True)
    values, returns = torch.tensor([0.2, 0.4, 0.7, 0.9]), torch.tensor([1.0, 1.0, 0.0, 0.0])
    output = sols_loss(logprobs, torch.zeros(4), values, returns, value_coef=0.0, positive_ratio_cap=1.2)
    assert output.loss.item() == pytest.approx(-0.2425, abs=1e-6)
    output.loss.backward()
    assert torch.allclose(logprobs.grad, torch.tensor([-0.22, -0.18, 0.1575, 0.0]), atol=1e-6)
    # a replayed success at rho = e^11.5 (about 1e5) weighs 1.2, not 1e5 (its gradient is -1.2 * A)
    far = torch.tensor([11.5], requires_grad=True)
    capped = sols_loss(far, torch.zeros(1), torch.tensor([0.0]), torch.tensor([1.0]), positive_ratio_cap=1.2)
    capped.loss.backward()
    assert far.grad.item() == pytest.approx(-1.2, abs=1e-4)


def test_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match=r"got shape \(3, 1\)"):
        sols_loss(torch.zeros(3), torch.zeros(3), torch.zeros(3, 1), torch.zeros(3))


RATIOS = [1.1, 1.5, 0.9, 1.5]  # the same batch as above: A = [.8, .6, -.7, -.9]


def baseline(name):
    from actionspace.trainers.sols.losses import LOSSES

    logprobs = torch.tensor([math.log(r) for r in RATIOS])
    return LOSSES[name](logprobs, torch.zeros(4), torch.tensor([0.2, 0.4, 0.7, 0.9]), torch.tensor([1.0, 1.0, 0, 0]))


def test_ppo_loss_matches_hand_computation():
    # clip(rho) = [1.1, 1.2, 0.9, 1.2]; min(rho*A, clip*A) = [.88, .72, -.63, -1.35] (PPO keeps the
    # pessimistic term, so a large ratio on a bad action is NOT dropped, unlike SoLS); mean = -0.095
    output = baseline("ppo")
    assert output.diagnostics["policy_loss"].item() == pytest.approx(0.095, abs=1e-6)
    assert output.diagnostics["clip_frac"].item() == 0.5


def test_a2c_loss_matches_hand_computation():
    # -mean(log rho * A) = -(ln1.1*.8 + ln1.5*.6 + ln0.9*-.7 + ln1.5*-.9) / 4
    expected = -(math.log(1.1) * 0.8 + math.log(1.5) * 0.6 + math.log(0.9) * -0.7 + math.log(1.5) * -0.9) / 4
    assert baseline("a2c").diagnostics["policy_loss"].item() == pytest.approx(expected, abs=1e-6)


def test_filtered_loss_imitates_only_positive_advantages():
    # kept: samples 0 and 1 (A > 0); policy loss = -(ln 1.1 + ln 1.5) / 2
    output = baseline("filtered")
    assert output.diagnostics["policy_loss"].item() == pytest.approx(-(math.log(1.1) + math.log(1.5)) / 2, abs=1e-6)
    assert output.diagnostics["kept_frac"].item() == 0.5


@pytest.mark.parametrize("name", ["sols", "ppo", "a2c", "filtered"])
def test_every_variant_trains_the_critic_the_same_way(name):
    assert baseline(name).diagnostics["value_loss"].item() == pytest.approx(0.575, abs=1e-6)
