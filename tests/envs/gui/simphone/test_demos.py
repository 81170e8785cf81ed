import json

from actionspace.agents import TextPolicy
from actionspace.envs.gui.simphone import SimPhoneDemos, SimPhoneEnv


def test_demos_are_oracle_steps_rendered_as_the_policy_sees_them(tiny_model):
    _, tokenizer = tiny_model
    demos = SimPhoneDemos(templates=["AddContact", "WifiOn"])
    examples = demos.examples("train", 12, seed=0)
    assert len(examples) == 12 and examples == demos.examples("train", 12, seed=0)
    first = examples[0]["messages"]
    assert first[0]["content"].startswith("Goal: ") and json.loads(first[1]["content"])["action_type"] == "open_app"

    # the SFT prompt of a demo is byte-identical to the prompt TextPolicy renders for that observation
    env = SimPhoneEnv()
    observation, _ = env.reset(seed=1)
    user = TextPolicy(engine=None, tokenizer=tokenizer).prompt(observation)
    from actionspace.envs.gui.prompt import render_gui_observation as render

    chat = tokenizer.apply_chat_template(
        [{"role": "user", "content": render(observation)}], tokenize=False, add_generation_prompt=True
    )
    assert user == chat


def test_score_compares_actions_not_strings():
    demos = SimPhoneDemos()
    reference = '{"action_type": "click", "index": 3}'
    assert demos.score('Sure: {"index": "3", "action_type": "click"}', reference) == {"accuracy": 1.0, "valid": 1.0}
    assert demos.score('{"action_type": "click", "index": 4}', reference) == {"accuracy": 0.0, "valid": 1.0}
    assert demos.score("no idea", reference) == {"accuracy": 0.0, "valid": 0.0}


def test_splits_hold_different_episodes():
    demos = SimPhoneDemos(templates=["AddContact"])
    train = {e["messages"][0]["content"] for e in demos.examples("train", 30, 0)}
    test = {e["messages"][0]["content"] for e in demos.examples("test", 30, 0)}
    assert not train & test
