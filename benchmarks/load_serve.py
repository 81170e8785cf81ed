"""A bounded loopback load test of `actionspace serve`: N concurrent clients send M completion and chat
requests; then malformed JSON, an unknown model, an over-long prompt and a missing key must each get a clear
4xx while the server keeps serving. Prints a latency table and writes JSON.

    python benchmarks/load_serve.py                          # 64 clients, 1,000 requests, the tiny model
    python benchmarks/load_serve.py --clients 8 --requests 80 --size small
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import write_result  # noqa: E402

API_KEY = "load-test-key"


def request(url: str, body: dict | None, *, key: str | None = API_KEY, raw: bytes | None = None) -> tuple[int, dict]:
    data = raw if raw is not None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {key}"} if key else {})
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=300) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        body_text = error.read()
        try:
            return error.code, json.loads(body_text)
        except json.JSONDecodeError:
            return error.code, {"raw": body_text.decode(errors="replace")}


def start_server(model_dir: Path, port: int) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "actionspace", "serve", str(model_dir), "--port", str(port), "--api-key", API_KEY]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith("serving "):
            threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()  # type: ignore[union-attr]
            return process
        if process.poll() is not None:
            raise SystemExit(f"the server exited with status {process.returncode}")
    process.terminate()
    raise SystemExit("the server did not become healthy within 300 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--max-tokens", type=int, default=16)
    parser.add_argument("--size", default="tiny", choices=["tiny", "small", "base"])
    args = parser.parse_args()

    import torch

    from actionspace.core.models import ModelConfig, load_model

    torch.manual_seed(0)
    model_dir = Path(tempfile.mkdtemp(prefix="load-serve-"))
    model, tokenizer = load_model(ModelConfig(size=args.size))
    model.save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    server = start_server(model_dir, port)
    base = f"http://127.0.0.1:{port}/v1"
    try:

        def one(i: int) -> tuple[str, int, float]:
            kind = "chat" if i % 2 else "completion"
            goal = f"Goal: set an alarm for {7 + i % 5}:{i % 60:02d}."
            if kind == "chat":
                messages = [{"role": "user", "content": goal}]
                body = {"model": "policy", "messages": messages, "max_tokens": args.max_tokens}
                url = f"{base}/chat/completions"
            else:
                prompt = tokenizer.apply_chat_template(
                    [{"role": "user", "content": goal}], tokenize=False, add_generation_prompt=True
                )
                body = {"model": "policy", "prompt": prompt, "max_tokens": args.max_tokens}
                url = f"{base}/completions"
            start = time.perf_counter()
            status, _ = request(url, body)
            return kind, status, time.perf_counter() - start

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            outcomes = list(pool.map(one, range(args.requests)))
        wall = time.perf_counter() - start

        good = {"model": "policy", "prompt": "<|im_start|>user\nhi<|im_end|>\n", "max_tokens": 4}
        checks = {
            "malformed JSON": request(f"{base}/completions", None, raw=b"{not json"),
            "unknown model": request(f"{base}/completions", good | {"model": "no-such-model"}),
            "over-long prompt": request(f"{base}/completions", good | {"prompt": "tap " * 5000}),
            "missing key": request(f"{base}/completions", good, key=None),
            "still serving": request(f"{base}/completions", good),
        }
    finally:
        server.terminate()
        server.wait(timeout=60)

    rows, summary = [], {}
    for kind in ("completion", "chat", "all"):
        chosen = [o for o in outcomes if kind == "all" or o[0] == kind]
        latencies = sorted(o[2] for o in chosen)
        failed = sum(o[1] != 200 for o in chosen)
        p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
        summary[kind] = {
            "requests": len(chosen),
            "failed": failed,
            "p50_s": statistics.median(latencies),
            "p99_s": p99,
            "max_s": latencies[-1],
        }
        rows.append(
            f"| {kind} | {len(chosen)} | {failed} | {summary[kind]['p50_s']:.3f} | {p99:.3f} | {latencies[-1]:.3f} |"
        )
    lines = [
        f"{args.requests} requests from {args.clients} concurrent clients, {args.max_tokens} new tokens each, "
        f"{args.size} model, loopback; {args.requests / wall:.1f} requests/s over {wall:.1f} s.",
        "",
        "| requests | n | failed | p50 (s) | p99 (s) | max (s) |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        "| bad request | status | message |",
        "|---|---|---|",
    ]
    for name, (status, body) in checks.items():
        error = body.get("error", body)
        message = json.dumps(error.get("message", error) if isinstance(error, dict) else error)
        lines.append(f"| {name} | {status} | {message[:100]} |")
    table = "\n".join(lines)
    print(table)
    ok = summary["all"]["failed"] == 0 and checks["still serving"][0] == 200
    ok = ok and all(400 <= checks[name][0] < 500 for name in checks if name != "still serving")
    statuses = {name: status for name, (status, _) in checks.items()}
    payload = {"args": vars(args), "summary": summary, "checks": statuses, "table": table, "ok": ok}
    path = write_result("load_serve", payload)
    print(f"\n{'PASS' if ok else 'FAIL'}; wrote {path}")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
