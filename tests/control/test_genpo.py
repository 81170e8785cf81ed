"""GenPO's coupled flow: exact inversion, the constant log-det against autograd, the exact density."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from actionspace.control.genpo.flow import CoupledFlow, gaussian_log_prob
from actionspace.control.genpo.policy import FlowActor
from actionspace.control.networks import ActionBounds
from actionspace.core.config import ConfigError


def _random_flow(obs_dim=3, action_dim=2, steps=5, mix=0.95) -> CoupledFlow:
    torch.manual_seed(0)
    flow = CoupledFlow(obs_dim, action_dim, steps=steps, mix=mix, hidden=[32, 32]).double()
    for parameter in flow.parameters():  # a far-from-identity map, so the test means something
        torch.nn.init.normal_(parameter, std=0.5)
    return flow


def test_flow_inverts_exactly_in_float64():
    flow = _random_flow()
    observations = torch.randn(64, 3, dtype=torch.float64)
    noise = torch.randn(64, 4, dtype=torch.float64)
    action = flow(observations, noise)
    assert (action - noise).abs().max() > 0.1  # the map is not the identity
    assert (flow.inverse(observations, action) - noise).abs().max() < 1e-5
    assert (flow(observations, flow.inverse(observations, noise)) - noise).abs().max() < 1e-5


@pytest.mark.parametrize(("action_dim", "steps", "mix"), [(1, 1, 0.9), (2, 5, 0.95), (3, 3, 0.7)])
def test_log_det_equals_autograd_jacobian(action_dim, steps, mix):
    flow = _random_flow(action_dim=action_dim, steps=steps, mix=mix)
    assert flow.log_det == pytest.approx(2 * action_dim * steps * math.log(mix))
    observation = torch.randn(1, 3, dtype=torch.float64)
    for _ in range(3):
        noise = torch.randn(1, 2 * action_dim, dtype=torch.float64)
        jacobian = torch.autograd.functional.jacobian(lambda z: flow(observation, z), noise)
        jacobian = jacobian.reshape(2 * action_dim, 2 * action_dim)
        assert torch.linalg.slogdet(jacobian).logabsdet.item() == pytest.approx(flow.log_det, abs=1e-8)


def test_log_prob_is_the_change_of_variables_density():
    flow = _random_flow()
    observation = torch.randn(1, 3, dtype=torch.float64)
    noise = torch.randn(1, 4, dtype=torch.float64) * 0.7
    action = flow(observation, noise)
    jacobian = torch.autograd.functional.jacobian(lambda z: flow(observation, z), noise).reshape(4, 4)
    expected = gaussian_log_prob(noise, 0.7) - torch.linalg.slogdet(jacobian).logabsdet
    assert flow.log_prob(observation, action, noise_std=0.7).item() == pytest.approx(expected.item(), abs=1e-8)


def test_flow_actor_density_integrates_to_one_in_one_dimension():
    # d = 1: the doubled action is 2-D; integrate exp(log pi) on a grid around the samples.
    torch.manual_seed(1)
    actor = FlowActor(
        1,
        1,
        ActionBounds(np.array([-1.0]), np.array([1.0])),
        steps=3,
        mix=0.9,
        hidden=[16],
        noise_scale=0.5,
        compression_coef=0.0,
    ).double()
    for parameter in actor.parameters():
        torch.nn.init.normal_(parameter, std=0.3)
    grid = torch.linspace(-4, 4, 401, dtype=torch.float64)
    x, y = torch.meshgrid(grid, grid, indexing="ij")
    points = torch.stack([x.flatten(), y.flatten()], dim=-1)
    density = actor.log_prob(torch.zeros(len(points), 1, dtype=torch.float64), points).exp()
    assert density.sum().item() * (grid[1] - grid[0]).item() ** 2 == pytest.approx(1.0, abs=1e-3)


def test_sampled_log_prob_equals_recomputed_and_env_action_is_the_clipped_mean():
    actor = FlowActor(
        3,
        2,
        ActionBounds(-np.ones(2), np.ones(2)),
        steps=5,
        mix=0.95,
        hidden=[32],
        noise_scale=1.0,
        compression_coef=0.01,
    )
    observations = torch.randn(16, 3)
    doubled, env_action, log_prob = actor.sample(observations)
    assert torch.allclose(actor.log_prob(observations, doubled), log_prob, atol=1e-4)
    x, y = doubled.split(2, dim=-1)
    assert torch.equal(env_action, (0.5 * (x + y)).clamp(-1, 1))
    ((weight, term),) = actor.auxiliary_losses(observations).values()
    assert weight == 0.01 and term.item() > 0


def test_genpo_rejects_a_discrete_action_space_at_config_time():
    from actionspace.control.envs import EnvConfig
    from actionspace.control.genpo.config import GenPOConfig

    with pytest.raises(ConfigError, match="GenPO needs a continuous"):
        GenPOConfig(env=EnvConfig(id="CartPole-v1"))
    with pytest.raises(ConfigError, match="mix must be in"):
        GenPOConfig(env=EnvConfig(id="actionspace/MultiGoal-v0"), mix=1.0)


def test_cli_bad_env_fails_before_any_run_directory(tmp_path, capsys):
    from actionspace.cli import main

    code = main(["train", "configs/genpo_halfcheetah.yaml", "env.id=CartPole-v1", f"run.root={tmp_path}"])
    assert code == 2
    assert "GenPO needs a continuous" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
