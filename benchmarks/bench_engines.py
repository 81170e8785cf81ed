"""Generated tokens/s of vLLM vs Hugging Face generate on the same model, batch 1, 8 and 32; time to first
token; weight-sync time (full, and adapter-only for a LoRA policy). One run, every size.

    python benchmarks/bench_engines.py                      # tiny, small, base; batch 1, 8, 32
    python benchmarks/bench_engines.py --sizes tiny --batches 1 8 --new-tokens 16   # a quick look

Each (size, engine) measurement runs in its own process: vLLM lowers torch's thread count when it
starts, and HF must not inherit that. Both sides use the same threads, the same prompts (simphone-like
chat prompts sharing a preamble) and the same number of new tokens (EOS ignored), greedy. HF runs in
float32 with its defaults (KV cache, SDPA attention); vLLM runs in float32 and, as its tuned setting on a
CPU with AVX512-BF16, in bfloat16, with prefix caching on and the batch limit at the batch size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import write_result  # noqa: E402

PREAMBLE = "You control an Android phone. Reply with one JSON action. Screen: home. Elements: " + "; ".join(
    f"[{i}] button '{name}'" for i, name in enumerate(["Clock", "Contacts", "Messages", "Settings"] * 4)
)


def prompts(tokenizer, batch: int) -> list[str]:
    return [
        tokenizer.apply_chat_template(
            [{"role": "user", "content": f"{PREAMBLE}. Goal: set an alarm for {7 + i % 5}:{10 + i:02d}."}],
            tokenize=False,
            add_generation_prompt=True,
        )
        for i in range(batch)
    ]


def build(size: str, directory: Path) -> None:
    import torch

    from actionspace.core.models import ModelConfig, load_model

    torch.manual_seed(0)
    model, tokenizer = load_model(ModelConfig(size=size))
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)


def measure_hf(directory: Path, batches: list[int], new_tokens: int, repeats: int) -> dict:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(directory).eval()
    tokenizer = AutoTokenizer.from_pretrained(directory)
    tokenizer.padding_side = "left"

    def generate(texts: list[str], tokens: int) -> None:
        encoded = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False)
        with torch.inference_mode():
            model.generate(
                **encoded,
                max_new_tokens=tokens,
                min_new_tokens=tokens,
                do_sample=False,
                pad_token_id=tokenizer.pad_token_id,
            )

    return _measure(generate, tokenizer, batches, new_tokens, repeats)


def measure_vllm(directory: Path, batches: list[int], new_tokens: int, repeats: int, dtype: str) -> dict:
    from vllm import SamplingParams

    from actionspace.serving.vllm_engine import VLLMEngine

    start = time.perf_counter()
    engine = VLLMEngine(directory, dtype=dtype, max_model_len=1024, max_num_seqs=max(batches))
    startup = time.perf_counter() - start
    tokenizer = engine.tokenizer

    def generate(texts: list[str], tokens: int) -> None:
        params = SamplingParams(max_tokens=tokens, min_tokens=tokens, ignore_eos=True, temperature=0.0)
        engine.llm.generate(texts, params, use_tqdm=False)

    result = _measure(generate, tokenizer, batches, new_tokens, repeats) | {"startup_s": startup}
    if dtype == "float32":  # sync time: the learner's full state dict into the running engine
        from transformers import AutoModelForCausalLM

        learner = AutoModelForCausalLM.from_pretrained(directory)
        result["sync_full_s"] = sorted(engine.sync_weights(learner, mode="full") for _ in range(3))[1]
    return result


def measure_adapter_sync(directory: Path) -> dict:
    """Adapter-only vs full sync for a LoRA policy (r=16 on q,k,v,o), in one engine."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from actionspace.serving.vllm_engine import VLLMEngine

    model = AutoModelForCausalLM.from_pretrained(directory)
    tokenizer = AutoTokenizer.from_pretrained(directory)
    targets = ["q_proj", "k_proj", "v_proj", "o_proj"]
    peft = get_peft_model(model, LoraConfig(r=16, lora_alpha=32, target_modules=targets, task_type="CAUSAL_LM"))
    engine = VLLMEngine.from_model(peft, tokenizer, Path(tempfile.mkdtemp()), max_model_len=1024)
    adapter = sorted(engine.sync_weights(peft, mode="adapter") for _ in range(3))[1]
    full = sorted(engine.sync_weights(peft, mode="full") for _ in range(3))[1]
    return {"sync_adapter_s": adapter, "sync_full_merged_s": full}


def _measure(generate, tokenizer, batches: list[int], new_tokens: int, repeats: int) -> dict:
    generate(prompts(tokenizer, 2), 4)  # warm-up (allocations, first-call compilation)
    first = []
    for _ in range(repeats):
        start = time.perf_counter()
        generate(prompts(tokenizer, 1), 1)
        first.append(time.perf_counter() - start)
    result: dict = {"ttft_s": sorted(first)[len(first) // 2]}
    for batch in batches:
        texts = prompts(tokenizer, batch)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            generate(texts, new_tokens)
            times.append(time.perf_counter() - start)
        result[f"tokens_per_s@{batch}"] = batch * new_tokens / sorted(times)[len(times) // 2]
    return result


def worker(args: argparse.Namespace) -> None:
    directory = Path(args.directory)
    if args.worker == "hf":
        result = measure_hf(directory, args.batches, args.new_tokens, args.repeats)
    elif args.worker == "adapter":
        result = measure_adapter_sync(directory)
    else:
        result = measure_vllm(directory, args.batches, args.new_tokens, args.repeats, dtype=args.worker.split(":")[1])
    print("RESULT " + json.dumps(result), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", default=["tiny", "small", "base"])
    parser.add_argument("--batches", nargs="+", type=int, default=[1, 8, 32])
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--engines", nargs="+", default=["hf", "vllm:float32", "vllm:bfloat16"])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--directory", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    env = os.environ | {"OMP_NUM_THREADS": str(args.threads), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    results: dict = {}
    for size in args.sizes:
        directory = Path(tempfile.mkdtemp(prefix=f"bench-engines-{size}-"))
        build(size, directory)
        jobs = list(args.engines) + (["adapter"] if size == "small" else [])
        for engine in jobs:
            command = [sys.executable, __file__, "--worker", engine, "--directory", str(directory)]
            command += ["--batches", *map(str, args.batches), "--new-tokens", str(args.new_tokens)]
            command += ["--repeats", str(args.repeats)]
            output = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
            line = next((x for x in output.stdout.splitlines() if x.startswith("RESULT ")), None)
            if line is None:
                print(f"{size}/{engine} failed:\n{output.stdout[-2000:]}\n{output.stderr[-3000:]}", file=sys.stderr)
                continue
            results.setdefault(size, {})[engine] = json.loads(line.removeprefix("RESULT "))
            print(f"{size:>5} {engine:<14} {json.dumps(results[size][engine])}", flush=True)

    from actionspace.core.models import ModelConfig, count_parameters, load_model

    lines = [
        f"Generated tokens/s, greedy, {args.new_tokens} new tokens per sequence, {args.threads} threads "
        "(median of repeats); speed-up = vLLM / HF at the same batch.",
        "",
        "| model | params | engine | " + " | ".join(f"batch {b}" for b in args.batches) + " | TTFT (s) |",
        "|---|---|---|" + "---|" * len(args.batches) + "---|",
    ]
    for size, by_engine in results.items():
        params = count_parameters(load_model(ModelConfig(size=size))[0]) / 1e6
        hf = by_engine.get("hf", {})
        for engine, result in by_engine.items():
            if engine == "adapter":
                continue
            cells = []
            for batch in args.batches:
                value = result[f"tokens_per_s@{batch}"]
                ratio = f" ({value / hf[f'tokens_per_s@{batch}']:.2f}x)" if engine != "hf" and hf else ""
                cells.append(f"{value:,.0f}{ratio}")
            lines.append(f"| {size} | {params:.1f}M | {engine} | " + " | ".join(cells) + f" | {result['ttft_s']:.3f} |")
    lines += ["", "| model | engine start (s) | full sync (s) | adapter-only sync (s) | full sync of merged LoRA (s) |"]
    lines += ["|---|---|---|---|---|"]
    for size, by_engine in results.items():
        vllm = by_engine.get("vllm:float32", {})
        adapter = by_engine.get("adapter", {})
        nan = float("nan")
        start, full = vllm.get("startup_s", nan), vllm.get("sync_full_s", nan)
        only, merged = adapter.get("sync_adapter_s", nan), adapter.get("sync_full_merged_s", nan)
        lines.append(f"| {size} | {start:.1f} | {full:.3f} | {only:.3f} | {merged:.3f} |")
    table = "\n".join(lines)
    print("\n" + table)
    path = write_result("bench_engines", {"args": vars(args), "results": results, "table": table})
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
