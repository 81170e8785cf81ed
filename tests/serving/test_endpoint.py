"""`actionspace serve` end to end: vLLM's OpenAI-compatible server on loopback (with an API key) serves a
policy fine-tuned on simphone demos; chat and completion requests give valid simphone actions; a GUI eval
through the endpoint acts exactly like the in-process policy; bad requests get a 4xx and serving goes on."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import torch

pytest.importorskip("vllm")

from actionspace.cli import _gui_policy  # noqa: E402
from actionspace.envs.episodes import run_episodes  # noqa: E402
from actionspace.envs.gui.schema import parse_action  # noqa: E402
from actionspace.envs.gui.simphone import SimPhoneConfig, SimPhoneEnv  # noqa: E402
from actionspace.serving import SamplingParams  # noqa: E402
from actionspace.serving.client import OpenAIEngine  # noqa: E402
from tests.conftest import REPO_ROOT  # noqa: E402

pytestmark = pytest.mark.slow

API_KEY = "test-key"
TEMPLATES = ["OpenApp", "WifiOn", "BluetoothOff"]


@pytest.fixture(scope="module")
def policy_dir(tmp_path_factory):
    """A tiny policy after a short SFT on simphone oracle steps: it writes JSON actions (not always the
    right ones), which is what the endpoint has to carry."""
    from actionspace.cli import _load_layers, load_train_config
    from actionspace.core.run import Run

    _load_layers()
    root = tmp_path_factory.mktemp("sft")
    overrides = [
        f"run.root={root}",
        "run.progress=false",
        "run.use_tensorboard=false",
        "run.save_every=0",
        "max_steps=60",
        "batch_size=8",
        "learning_rate=2e-3",
        "warmup_steps=10",
        "max_length=768",
        "data.num_train=160",
        "data.num_test=8",
    ]
    trainer_class, config, _ = load_train_config(f"{REPO_ROOT}/configs/sft_simphone.yaml", overrides)
    with Run(config.run) as run:
        trainer = trainer_class.from_config(config, run)
        results = trainer.train()
        assert results["after"]["valid"] >= 0.75, results  # it has learned the action format
        return run.output_dir / "model"


@pytest.fixture(scope="module")
def server(policy_dir):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "actionspace", "serve", str(policy_dir), "--port", str(port), "--api-key", API_KEY],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=os.environ | {"OMP_NUM_THREADS": "1"},
    )
    lines = []
    deadline = time.monotonic() + 300
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if line.startswith("serving "):
            break
        if process.poll() is not None:
            pytest.fail("server exited:\n" + "".join(lines[-30:]))
    else:
        process.terminate()
        pytest.fail("server did not become healthy:\n" + "".join(lines[-30:]))
    # Keep draining its output so the pipe never fills and blocks the server.
    import threading

    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    process.terminate()  # SIGTERM to `actionspace serve` must take vLLM's server (and its engine) down too
    process.wait(timeout=60)
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5)


def post(url, body, *, key=API_KEY, raw=None):
    request = urllib.request.Request(
        url,
        data=raw if raw is not None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"} | ({"Authorization": f"Bearer {key}"} if key else {}),
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_chat_and_completion_requests_give_valid_simphone_actions(server, policy_dir):
    from actionspace.core.models import ModelConfig, load_model
    from actionspace.core.registry import DATASETS
    from actionspace.serving import HFEngine

    engine = OpenAIEngine(f"{server}/v1", api_key=API_KEY)
    assert engine.model == "policy"
    # Held-out simphone steps, as the SFT run evaluated them: the rendered screen as the user message.
    examples = DATASETS.get("simphone_demos")().examples("test", 12, 0)
    conversations = [e["messages"][:1] for e in examples]
    params = SamplingParams(max_new_tokens=48)
    chat = engine.chat(conversations, params)  # the server applies the chat template
    model, tokenizer = load_model(ModelConfig(path=str(policy_dir)))
    prompts = [tokenizer.apply_chat_template(c, tokenize=False, add_generation_prompt=True) for c in conversations]
    completions = engine.generate(prompts, params)
    local = HFEngine(model, tokenizer).generate(prompts, params)
    assert [c.text for c in completions] == [c.text for c in chat] == [g.text for g in local]
    valid = [parse_action(c.text).valid for c in chat]
    assert sum(valid) >= 0.75 * len(valid), [c.text for c in chat]  # a 60-step SFT writes valid actions
    for completion, generation in zip(completions, local, strict=True):
        assert completion.token_ids == generation.token_ids
        assert completion.logprob == pytest.approx(generation.logprob, abs=1e-2)


def test_eval_through_the_endpoint_acts_like_the_in_process_policy(server, policy_dir):
    def run(spec):
        actions = {}
        policy = _gui_policy(spec, 0, 48, api_key=API_KEY)
        config = SimPhoneConfig(split="test", templates=TEMPLATES, max_steps=4)
        episodes = run_episodes(
            lambda _: SimPhoneEnv(config),
            policy,
            [(t, 100 + i) for t in TEMPLATES for i in range(2)],
            num_envs=3,
            on_step=lambda r: actions.__setitem__((r.template, r.seed, r.step), r.action),
        )
        return [e.success for e in episodes], actions

    torch.manual_seed(0)
    local_success, local_actions = run(str(policy_dir))
    remote_success, remote_actions = run(f"openai:{server}/v1")
    assert remote_success == local_success  # hence the same success rate
    assert remote_actions == local_actions  # greedy decoding: the same action at every step


def test_eval_with_in_process_vllm_acts_like_hf(policy_dir):
    # `actionspace eval --env simphone --policy DIR --engine vllm`: the same policy-building path.
    from actionspace.serving.vllm_engine import VLLMEngine

    threads = torch.get_num_threads()
    config = SimPhoneConfig(split="test", templates=TEMPLATES, max_steps=4)
    jobs = [(t, 200 + i) for t in TEMPLATES for i in range(2)]
    runs = {}
    for engine in ("hf", "vllm"):
        actions = {}
        policy = _gui_policy(str(policy_dir), 0, 48, engine=engine)
        episodes = run_episodes(
            lambda _: SimPhoneEnv(config),
            policy,
            jobs,
            num_envs=3,
            on_step=lambda r, actions=actions: actions.__setitem__((r.template, r.seed, r.step), r.action),
        )
        runs[engine] = ([e.success for e in episodes], actions)
        if engine == "vllm":
            assert isinstance(policy.engine, VLLMEngine)
    torch.set_num_threads(threads)  # vLLM lowers it for serving; later tests should not inherit that
    assert runs["vllm"] == runs["hf"]


def test_bad_requests_get_a_4xx_and_the_server_keeps_serving(server):
    good = {"model": "policy", "prompt": "<|im_start|>user\nhi<|im_end|>\n", "max_tokens": 4}
    assert post(f"{server}/v1/completions", good)[0] == 200
    assert post(f"{server}/v1/completions", good, key=None)[0] == 401  # missing key
    assert post(f"{server}/v1/completions", good, key="wrong")[0] == 401
    assert post(f"{server}/v1/completions", None, raw=b"{not json")[0] == 400
    assert post(f"{server}/v1/completions", good | {"model": "nope"})[0] == 404
    status, body = post(f"{server}/v1/completions", good | {"prompt": "tap " * 5000})
    assert status == 400 and "length" in json.dumps(body).lower()
    assert post(f"{server}/v1/completions", good)[0] == 200
