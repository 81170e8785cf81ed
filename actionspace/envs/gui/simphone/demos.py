"""Oracle demonstrations on simphone as an SFT data set (``data.name=simphone_demos``).

Each example is one step of an oracle episode: the user message is the observation rendered exactly as
`agents.TextPolicy` renders it when acting, and the assistant's answer is the oracle's action as JSON.
So a model fine-tuned here acts in the environment with the same prompts it was trained on. Episodes
come from the train or test split of simphone's parameter split.
"""

from __future__ import annotations

import random

from actionspace.core.registry import DATASETS
from actionspace.envs.gui.prompt import render_gui_observation
from actionspace.envs.gui.schema import parse_action
from actionspace.envs.gui.simphone.env import SimPhoneConfig, SimPhoneEnv
from actionspace.envs.gui.simphone.oracle import Oracle


@DATASETS.register("simphone_demos")
class SimPhoneDemos:
    """Args:
    templates: restrict to these task templates (default: all).
    max_steps: episode limit while recording.
    """

    def __init__(self, templates: list[str] | None = None, max_steps: int = 40) -> None:
        SimPhoneConfig(templates=templates, max_steps=max_steps)  # unknown templates fail now, not mid-run
        self.templates = templates
        self.max_steps = max_steps

    def examples(self, split: str, num: int, seed: int) -> list[dict[str, list[dict[str, str]]]]:
        env = SimPhoneEnv(
            SimPhoneConfig(
                split="test" if split == "test" else "train", templates=self.templates, max_steps=self.max_steps
            )
        )
        rng = random.Random(f"simphone_demos/{split}/{seed}")
        examples: list[dict[str, list[dict[str, str]]]] = []
        while len(examples) < num:
            observation, _ = env.reset(seed=rng.randrange(2**31), options={"task": rng.choice(env.templates)})
            assert env.task is not None
            oracle = Oracle(env.task.oracle_plan())
            done = False
            while not done and len(examples) < num:
                action = oracle.act(observation)
                examples.append(
                    {
                        "messages": [
                            {"role": "user", "content": render_gui_observation(observation)},
                            {"role": "assistant", "content": action.to_json()},
                        ]
                    }
                )
                observation, _, terminated, truncated, _ = env.step(action)
                done = terminated or truncated
        return examples

    def score(self, completion: str, reference: str) -> dict[str, float]:
        """``accuracy``: the same action as the oracle's; ``valid``: a parseable action at all."""
        parsed, expected = parse_action(completion), parse_action(reference)
        same = parsed.action is not None and expected.action is not None and parsed.action == expected.action
        return {"accuracy": float(same), "valid": float(parsed.valid)}
