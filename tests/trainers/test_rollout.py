"""Rollouts: transitions carry exact behaviour log-probs, consecutive steps and the episode's success."""

from collections import Counter

import torch

from actionspace.agents import TextPolicy
from actionspace.agents.policy import LLMPolicy
from actionspace.envs.gui.simphone import SimPhoneConfig, SimPhoneEnv
from actionspace.serving import HFEngine, SamplingParams
from actionspace.trainers.rollout import collect_transitions


def test_collected_transitions_are_consistent_with_episodes_and_the_learner(tiny_model):
    model, tokenizer = tiny_model
    policy = TextPolicy(
        HFEngine(model, tokenizer), tokenizer, sampling=SamplingParams(max_new_tokens=12, temperature=1.0)
    )
    config = SimPhoneConfig(max_steps=3)
    jobs = [("WifiOn", 0), ("OpenApp", 1), ("AddContact", 2), ("WifiOn", 3), ("DeleteNote", 4)]
    torch.manual_seed(0)
    transitions, episodes = collect_transitions(lambda _: SimPhoneEnv(config), policy, jobs, num_envs=2)

    assert len(transitions) == len(episodes) == len(jobs)
    assert Counter(e.template for e in episodes) == Counter(t for t, _ in jobs)
    for episode_transitions in transitions:
        assert [t.step for t in episode_transitions] == list(range(len(episode_transitions)))
        assert [t.done for t in episode_transitions] == [False] * (len(episode_transitions) - 1) + [True]
        assert len({t.episode_id for t in episode_transitions}) == 1
        assert len({t.success for t in episode_transitions}) == 1
    # an untrained model writes no valid action: every step is recorded as invalid (action None)
    assert all(t.action is None for ep in transitions for t in ep)
    assert sum(e.invalid_actions for e in episodes) == sum(len(ep) for ep in transitions)

    # the learner recomputes exactly the behaviour log-probs the engine reported (log-prob parity)
    flat = [t for ep in transitions for t in ep]
    learner = LLMPolicy(model, tokenizer).eval()
    with torch.no_grad():
        scores = learner.score([t.prompt for t in flat], [t.action_token_ids for t in flat])
    assert torch.allclose(scores.logprobs, torch.tensor([t.behavior_logprob for t in flat]), atol=1e-3)


class FumblingOracle:
    """Writes prose instead of an action on every episode's first step, then follows the oracle (as text).
    An invalid step leaves the screen as it was, so the oracle's first action is still the right one after it."""

    def __init__(self) -> None:
        self.oracles: dict = {}
        self.pending: dict = {}
        self.last_prompts: list[str] = []
        self.last_generations: list = []

    def begin_episode(self, slot, env):
        from actionspace.envs.gui.simphone.oracle import Oracle

        self.oracles[slot] = Oracle(env.unwrapped.task.oracle_plan())
        self.pending[slot] = None

    def act(self, observations):
        from actionspace.serving.engine import Generation

        texts = []
        for slot, observation in enumerate(observations):
            if observation is None:  # an idle slot
                texts.append(None)
                continue
            if slot in self.pending and self.pending[slot] is None:  # the episode's first step
                self.pending[slot] = self.oracles[slot].act(observation)
                texts.append("I would tap the settings icon.")
                continue
            action = self.pending.pop(slot, None) or self.oracles[slot].act(observation)
            texts.append(action.to_json())
        self.last_prompts = [o["goal"] if o is not None else "" for o in observations]
        self.last_generations = [Generation(t, [1], [-1.0], "stop") if t is not None else None for t in texts]
        return texts


def test_invalid_outputs_are_penalised_steps_and_successes_return_one():
    config = SimPhoneConfig(max_steps=12, invalid_action_penalty=0.25)
    transitions, episodes = collect_transitions(
        lambda _: SimPhoneEnv(config), FumblingOracle(), [("WifiOn", 0), ("OpenApp", 1)], num_envs=2
    )
    assert all(e.success for e in episodes) and [e.invalid_actions for e in episodes] == [1, 1]
    for episode in transitions:
        first, *rest = episode
        assert first.action is None and first.reward == -0.25 and first.return_ == 1.0 - 0.25
        assert rest and all(t.action is not None and t.return_ == 1.0 for t in rest)
