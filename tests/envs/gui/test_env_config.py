"""`GUIEnvConfig`: a trainer's GUI environment chosen by name, its options checked when the recipe is read."""

from __future__ import annotations

import pytest

from actionspace.core.config import ConfigError, from_dict
from actionspace.envs.gui.android import AndroidConfig
from actionspace.envs.gui.config import GUIEnvConfig
from actionspace.envs.gui.simphone import SimPhoneConfig, SimPhoneEnv


def test_simphone_by_name_with_its_split_and_options():
    config = from_dict(GUIEnvConfig, {"split": "test", "kwargs": {"templates": ["WifiOn", "OpenApp"], "max_steps": 3}})
    env_config = config.env_config()
    assert isinstance(env_config, SimPhoneConfig)
    assert (env_config.split, env_config.max_steps) == ("test", 3)
    assert config.template_names() == ["WifiOn", "OpenApp"]
    env = config.make()
    assert isinstance(env, SimPhoneEnv) and env.config == env_config
    assert config.describe() == "simphone test tasks"


def test_an_env_without_splits_ignores_the_split_and_is_one_task():
    config = GUIEnvConfig(name="android", split="test", kwargs={"simulator": "fake", "max_steps": 2})
    assert isinstance(config.env_config(), AndroidConfig) and config.env_config().max_steps == 2
    assert config.template_names() == ["android"] and config.describe() == "android tasks"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "nosuchphone"}, "unknown env 'nosuchphone'"),
        ({"kwargs": {"max_step": 3}}, "unknown config key 'env.kwargs (simphone).max_step'"),
        ({"kwargs": {"templates": ["NoSuchTask"]}}, "unknown simphone template 'NoSuchTask'"),
        ({"kwargs": {"split": "test"}}, "give the split as env.split"),
        ({"name": "android", "kwargs": {"android_sdk_root": "/nonexistent"}}, "no Android SDK"),
    ],
)
def test_bad_env_options_fail_when_the_config_is_read(data, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        from_dict(GUIEnvConfig, data)
