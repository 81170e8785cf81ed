from actionspace.envs.gui.policies import OraclePolicy, RandomPolicy
from actionspace.envs.gui.simphone import SimPhoneConfig, SimPhoneEnv
from actionspace.eval.gui import Episode, run_episodes, summarise


def test_harness_runs_every_job_once_and_the_oracle_succeeds():
    config = SimPhoneConfig(split="test")
    jobs = [(template, seed) for template in ("WifiOn", "AddContact", "DeleteFile") for seed in range(5)]
    episodes = run_episodes(lambda _: SimPhoneEnv(config), OraclePolicy(), jobs, num_envs=4)
    assert sorted((e.template, e.seed) for e in episodes) == sorted(jobs)
    rows = summarise(episodes)
    assert rows["all"]["success"] == 1.0 and rows["all"]["invalid_rate"] == 0.0
    assert rows["WifiOn"]["mean_steps"] == 3.0 and rows["all"]["episodes"] == 15.0


def test_summary_matches_hand_computation():
    episodes = [Episode("a", 0, True, 4, 1), Episode("a", 1, False, 6, 0), Episode("b", 0, False, 10, 5)]
    rows = summarise(episodes)
    assert rows["a"]["success"] == 0.5 and rows["a"]["mean_steps"] == 5.0 and rows["a"]["invalid_rate"] == 0.1
    assert rows["all"]["invalid_rate"] == 6 / 20 and rows["all"]["episodes"] == 3.0
    assert 0 < rows["a"]["success_low"] < 0.5 < rows["a"]["success_high"] < 1


def test_random_policy_is_reproducible():
    config = SimPhoneConfig(max_steps=10)
    jobs = [("OpenApp", seed) for seed in range(6)]
    first = run_episodes(lambda _: SimPhoneEnv(config), RandomPolicy(3), jobs, num_envs=1)
    second = run_episodes(lambda _: SimPhoneEnv(config), RandomPolicy(3), jobs, num_envs=1)
    assert first == second
