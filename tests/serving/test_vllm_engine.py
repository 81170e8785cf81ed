"""VLLMEngine (in-process vLLM): generations and log-probs agree with the learner, and weight sync (full
and adapter-only) makes the engine's greedy outputs equal the updated learner's, without a restart."""

from __future__ import annotations

import json

import pytest
import torch

pytest.importorskip("vllm")

from actionspace.agents.policy import LLMPolicy  # noqa: E402
from actionspace.core.models import ModelConfig, load_model  # noqa: E402
from actionspace.serving import HFEngine, SamplingParams  # noqa: E402
from actionspace.serving.parity import logprob_parity  # noqa: E402
from actionspace.serving.vllm_engine import VLLMEngine, base_state_dict  # noqa: E402

pytestmark = pytest.mark.slow

GREEDY = SamplingParams(max_new_tokens=10)


@pytest.fixture(scope="module", autouse=True)
def restore_torch_threads():
    """vLLM lowers torch's thread count for serving; later tests in this process should not inherit it."""
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def chat_prompts(tokenizer, n=6):
    return [
        tokenizer.apply_chat_template(
            [{"role": "user", "content": f"Open app {i} and set the alarm for 0{i}:30."}],
            tokenize=False,
            add_generation_prompt=True,
        )
        for i in range(n)
    ]


def train_a_little(model, tokenizer, text, lr, steps=5):
    """A few large steps on one text: enough to change the model's greedy outputs."""
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)
    ids = tokenizer(text, return_tensors="pt", add_special_tokens=False)
    for _ in range(steps):
        model(**ids, labels=ids["input_ids"]).loss.backward()
        optimizer.step()
        optimizer.zero_grad()


def greedy_ids(engine, prompts):
    return [g.token_ids for g in engine.generate(prompts, GREEDY)]


@pytest.fixture(scope="module")
def learner_and_engine(tmp_path_factory):
    torch.manual_seed(0)
    model, tokenizer = load_model(ModelConfig(size="tiny"))
    engine = VLLMEngine.from_model(model, tokenizer, tmp_path_factory.mktemp("engine"), max_model_len=512)
    return model, tokenizer, engine


def test_generations_match_the_learner_token_for_token(learner_and_engine):
    model, tokenizer, engine = learner_and_engine
    prompts = chat_prompts(tokenizer)
    generations = engine.generate(prompts, GREEDY)
    assert greedy_ids(HFEngine(model, tokenizer), prompts) == [g.token_ids for g in generations]
    for generation in generations:
        assert len(generation.token_ids) == len(generation.token_logprobs) == GREEDY.max_new_tokens
        assert generation.finish_reason == "length"
    # The learner recomputes the engine's sequence log-probs (what SoLS's ratio needs).
    with torch.no_grad():
        scores = LLMPolicy(model, tokenizer).score(prompts, [g.token_ids for g in generations])
    parity = logprob_parity([g.logprob for g in generations], scores.logprobs.tolist())
    assert parity["parity/max_abs_diff"] < 1e-3, parity


def test_full_sync_makes_greedy_outputs_equal_the_updated_learner(learner_and_engine):
    model, tokenizer, engine = learner_and_engine
    prompts = chat_prompts(tokenizer)
    train_a_little(model, tokenizer, prompts[0] + "tap tap tap tap tap", lr=1e-2)
    learner = greedy_ids(HFEngine(model, tokenizer), prompts)
    assert greedy_ids(engine, prompts) != learner  # the update changed the policy; the engine is stale
    seconds = engine.sync_weights(model)
    assert greedy_ids(engine, prompts) == learner
    assert engine.last_sync == {"sync/full_seconds": seconds} and seconds > 0


def test_adapter_only_sync_loads_a_new_lora_version(tmp_path):
    torch.manual_seed(1)
    model, tokenizer = load_model(ModelConfig(size="tiny", use_lora=True, lora_r=8))
    engine = VLLMEngine.from_model(model, tokenizer, tmp_path / "engine", max_model_len=512)
    assert engine.lora_enabled and engine.weights_version == 1
    prompts = chat_prompts(tokenizer)
    train_a_little(model, tokenizer, prompts[0] + "tap tap tap tap tap", lr=3e-2)
    learner = greedy_ids(HFEngine(model, tokenizer), prompts)
    assert greedy_ids(engine, prompts) != learner
    engine.sync_weights(model)  # auto: the adapter alone
    assert engine.weights_version == 2 and "sync/adapter_seconds" in engine.last_sync
    assert greedy_ids(engine, prompts) == learner
    # The base weights in the engine's directory never changed: only the adapter travelled.
    assert all("lora_" not in name for name in base_state_dict(model))
    engine.sync_weights(model, mode="full")  # merged weights, adapter dropped
    assert engine.lora_request is None and greedy_ids(engine, prompts) == learner


def assert_synced_after_every_update(metrics_file, sync_key, *, updates):
    """Each update's record shows a sync, and the next iteration's rollouts (sampled by the synced engine) have
    log-probs that still match the learner's."""
    records = [json.loads(line) for line in metrics_file.read_text().splitlines()]
    steps = [r for r in records if "train/loss" in r]
    assert len(steps) == updates
    for record in steps:
        assert record[sync_key] > 0
        assert record["parity/max_abs_diff"] < 1e-3, record


def test_sols_rolls_out_through_vllm_and_syncs_after_every_update(tmp_path):
    from actionspace.core.run import Run
    from actionspace.trainers.sols.trainer import SoLSTrainer
    from tests.trainers.sols.test_sols_trainer import tiny_config

    config = tiny_config(tmp_path, engine={"kind": "vllm", "max_model_len": 1024})
    with Run(config.run, config_to_save=config) as run:
        trainer = SoLSTrainer.from_config(config, run)
        trainer.train()
        assert isinstance(trainer.engine, VLLMEngine)
    assert_synced_after_every_update(tmp_path / "metrics.jsonl", "sync/full_seconds", updates=2)


def test_aria_self_plays_through_vllm_with_the_papers_lora_and_syncs_the_adapter_after_every_update(tmp_path):
    """The real-model recipe's path (docs/aria.md) on the tiny model: LoRA r8 alpha 16 on q, k, v, self-play and
    evaluation through vLLM, the adapter alone sent after each update."""
    from actionspace.core.run import Run
    from actionspace.trainers.aria.trainer import ARIATrainer
    from tests.trainers.aria.test_aria_trainer import _tiny_reinforce_config

    lora = {"model.use_lora": "true", "model.lora_r": 8, "model.lora_alpha": 16}
    vllm = {"engine.kind": "vllm", "engine.max_model_len": 1024}
    config = _tiny_reinforce_config(
        tmp_path, **lora, **vllm, **{"model.lora_target_modules": "[q_proj,k_proj,v_proj]"}, iterations=2
    )
    with Run(config.run, config_to_save=config) as run:
        trainer = ARIATrainer.from_config(config, run)
        trainer.train()
        assert isinstance(trainer.engine, VLLMEngine) and trainer.engine.lora_enabled
        adapter = run.unwrap(trainer.policy).model.peft_config["default"]
        assert set(adapter.target_modules) == {"q_proj", "k_proj", "v_proj"} and adapter.lora_alpha == 16
        assert trainer.engine.weights_version == 3  # the start, then one adapter per update
    assert_synced_after_every_update(tmp_path / "metrics.jsonl", "sync/adapter_seconds", updates=2)
