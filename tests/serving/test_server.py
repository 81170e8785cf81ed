import pytest

from actionspace.core.config import ConfigError
from actionspace.serving.server import is_loopback, server_command


@pytest.fixture
def policy(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    return str(tmp_path)


def test_loopback_detection():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.1.2.3")


def test_non_loopback_bind_requires_an_api_key(policy):
    with pytest.raises(ConfigError, match="pass --api-key"):
        server_command(policy, host="0.0.0.0", port=8000, api_key=None, loras=[])
    command = server_command(policy, host="0.0.0.0", port=8000, api_key="k", loras=[])
    assert command[command.index("--api-key") + 1] == "k"


def test_lora_adapters_are_passed_by_name(policy, tmp_path):
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text("{}")
    command = server_command(policy, host="127.0.0.1", port=1, api_key=None, loras=[f"mine={adapter}"])
    assert "--enable-lora" in command and f"mine={adapter}" in command
    with pytest.raises(ConfigError, match="NAME=PATH"):
        server_command(policy, host="127.0.0.1", port=1, api_key=None, loras=["mine"])


def test_policy_must_be_a_model_directory(tmp_path):
    with pytest.raises(ConfigError, match="config.json"):
        server_command(str(tmp_path), host="127.0.0.1", port=1, api_key=None, loras=[])


def test_stopping_the_server_stops_its_whole_process_group():
    # vLLM's server spawns an engine-core child; stopping only the parent orphaned it (seen in practice).
    import subprocess

    from actionspace.serving.server import _group_alive, stop_process_group

    process = subprocess.Popen(
        ["bash", "-c", "trap '' TERM; sleep 60 & sleep 60 & wait"], start_new_session=True
    )  # children that ignore SIGTERM, like a stuck engine
    import time

    time.sleep(0.5)  # let bash set its trap and start the children
    stop_process_group(process, timeout_s=1.0)
    assert process.poll() is not None
    assert not _group_alive(process.pid)
