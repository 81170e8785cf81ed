"""The ``actionspace`` command: train, eval, serve, bench, list.

Bad input (an unknown key, a wrong type, a missing file or model path) ends with one ``error:`` line and
exit status 2 before any run directory is created. A checkpoint that cannot be written (a full disk) ends with
one ``error:`` line naming the last complete checkpoint to resume from, and exit status 74 (EX_IOERR).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import runpy
import sys
from pathlib import Path
from typing import Any

from actionspace.core.config import ConfigError, describe, from_dict, load_yaml, merge, parse_overrides
from actionspace.core.errors import CheckpointWriteError

EXIT_CONFIG_ERROR = 2
EXIT_CHECKPOINT_ERROR = 74
EXIT_INTERRUPTED = 130


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub at run time
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    except CheckpointWriteError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CHECKPOINT_ERROR
    except KeyboardInterrupt as interrupt:
        print(f"\ninterrupted: {interrupt}", file=sys.stderr)
        return EXIT_INTERRUPTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="actionspace", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train from a YAML recipe: actionspace train CONFIG [key=value ...]")
    train.add_argument("config", help="YAML recipe with a `trainer:` key (see configs/)")
    train.add_argument("overrides", nargs="*", help="dotted overrides, e.g. run.seed=1 model.size=small")
    train.add_argument("--show-config", action="store_true", help="list every config key with its doc and exit")
    train.set_defaults(handler=_train)

    evaluate = commands.add_parser("eval", help="evaluate a policy on a GUI environment (--env) or instruction data")
    evaluate.add_argument(
        "--policy",
        required=True,
        help="model directory (e.g. runs/sft/<time>/model), or openai:http://HOST:PORT/v1[#MODEL] for an "
        "OpenAI-compatible endpoint; with --env also oracle or random",
    )
    evaluate.add_argument("--engine", default="hf", choices=["hf", "vllm"], help="engine for a model directory (--env)")
    evaluate.add_argument("--api-key", default=None, help="key of an openai: endpoint")
    evaluate.add_argument("--env", help="registered environment, e.g. simphone (default: instruction data)")
    evaluate.add_argument(
        "--data", default="phone_commands", help="registered data set, or a directory with test.jsonl"
    )
    evaluate.add_argument("--split", default="test", choices=["train", "test"])
    evaluate.add_argument(
        "--split-by",
        default="params",
        choices=["params", "template"],
        help="simphone: hold out parameter sets (params) or whole templates",
    )
    evaluate.add_argument("--templates", nargs="*", help="only these task templates")
    evaluate.add_argument("--episodes", type=int, default=10, help="episodes per template (--env)")
    evaluate.add_argument("--num-envs", type=int, default=8, help="environments stepped concurrently (--env)")
    evaluate.add_argument("--max-steps", type=int, default=30, help="steps per episode (--env)")
    evaluate.add_argument("--num", type=int, default=200, help="number of examples (instruction data)")
    evaluate.add_argument("--seed", type=int, default=0, help="data or episode seed")
    evaluate.add_argument("--max-new-tokens", type=int, default=64)
    evaluate.add_argument("--output", type=Path, help="directory for results.json and results.md")
    evaluate.set_defaults(handler=_eval)

    serve = commands.add_parser("serve", help="serve a policy through vLLM's OpenAI-compatible server")
    serve.add_argument("policy", help="model directory")
    serve.add_argument("--host", default="127.0.0.1", help="bind address (loopback by default)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--api-key", default=None, help="required when binding to a non-loopback address")
    serve.add_argument("--lora", action="append", default=[], metavar="NAME=PATH", help="serve a LoRA adapter by name")
    serve.add_argument("--name", default="policy", help="model name clients request (adapters: their NAME)")
    serve.add_argument("--dtype", default=None, help="float32, bfloat16, float16 (default: the checkpoint's)")
    serve.add_argument("--max-model-len", type=int, default=2048, help="longest prompt + completion in tokens")
    serve.set_defaults(handler=_serve)

    bench = commands.add_parser("bench", help="run a benchmark script from benchmarks/ (no name: list them)")
    bench.add_argument("name", nargs="?", help="e.g. run_overhead (benchmarks/bench_run_overhead.py)")
    bench.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the benchmark")
    bench.set_defaults(handler=_bench)

    listing = commands.add_parser("list", help="list registered trainers, environments, engines and data sets")
    listing.set_defaults(handler=_list)
    return parser


# --------------------------------------------------------------------------------------------------
_MISSING_LAYERS: dict[str, str] = {}


def _load_layers() -> None:
    """Importing the layers registers their trainers, engines and data sets."""
    import actionspace.data  # noqa: F401
    import actionspace.envs.gui.android  # noqa: F401
    import actionspace.envs.gui.miniwob  # noqa: F401
    import actionspace.envs.gui.simphone  # noqa: F401
    import actionspace.envs.language  # noqa: F401
    import actionspace.serving  # noqa: F401
    import actionspace.serving.vllm_engine  # noqa: F401  (registers "vllm"; vLLM itself loads on use)
    import actionspace.trainers  # noqa: F401

    try:
        import actionspace.control  # noqa: F401
    except ImportError as error:  # the control extra (gymnasium[mujoco]) is optional
        _MISSING_LAYERS["control"] = str(error)


def load_train_config(path: str, overrides: list[str]) -> tuple[Any, Any, str]:
    """Reads a recipe: the ``trainer:`` key picks the trainer class, the rest fills its config class."""
    from actionspace.core.registry import TRAINERS

    data = load_yaml(path)
    name = data.pop("trainer", None)
    if name is None:
        raise ConfigError(f"{path} has no `trainer:` key; known trainers: {', '.join(TRAINERS.names())}")
    if name not in TRAINERS and _MISSING_LAYERS:
        missing = "; ".join(f"{layer}: {why}" for layer, why in _MISSING_LAYERS.items())
        raise ConfigError(f"unknown trainer {name!r}; some layers failed to import ({missing})")
    trainer_class = TRAINERS.get(name)
    config = from_dict(trainer_class.config_class, merge(data, parse_overrides(overrides)))
    return trainer_class, config, name


def _train(args: argparse.Namespace) -> int:
    _load_layers()
    from actionspace.core.config import to_dict
    from actionspace.core.run import Run
    from actionspace.eval.report import write_results

    trainer_class, config, name = load_train_config(args.config, args.overrides)
    if args.show_config:
        for key, type_name, default, doc in describe(trainer_class.config_class):
            print(f"{key:<32} {type_name:<28} default={default!r:<20} {doc}")
        return 0
    # Everything above is validation: only now is anything written.
    with Run(config.run, config_to_save={"trainer": name} | to_dict(config)) as run:
        trainer = trainer_class.from_config(config, run)
        results = trainer.train()
        if run.is_main:
            rows = {
                f"{label} ({'step 0' if label == 'before' else f'step {run.step}'})": metrics
                for label, metrics in results.items()
                if metrics
            }
            what = getattr(trainer, "results_title", None) or "evaluation"
            table = write_results(run.output_dir, rows, title=f"{name}: {what}")
            print("\n" + table + f"\n\nrun directory: {run.output_dir}")
    return 0


def _eval(args: argparse.Namespace) -> int:
    _load_layers()
    if args.env:
        return _eval_env(args)
    from actionspace.core.models import ModelConfig, load_model
    from actionspace.core.registry import DATASETS
    from actionspace.data.instructions import JsonlMessages
    from actionspace.eval.instructions import evaluate_instructions
    from actionspace.eval.report import write_results
    from actionspace.serving.hf import HFEngine

    data = JsonlMessages(args.data) if Path(args.data).is_dir() else DATASETS.get(args.data)()
    model_config = ModelConfig(path=args.policy)  # validates the path before any loading
    model, tokenizer = load_model(model_config)
    examples = data.examples(args.split, args.num, args.seed)
    metrics = evaluate_instructions(
        HFEngine(model, tokenizer),
        lambda e: tokenizer.apply_chat_template(e["messages"][:-1], tokenize=False, add_generation_prompt=True),
        data,
        examples,
        max_new_tokens=args.max_new_tokens,
    )
    rows = {args.policy: metrics}
    if args.output:
        print(write_results(args.output, rows, title=f"{args.data} ({args.split})"))
    else:
        from actionspace.eval.report import format_table

        print(format_table(rows, title=f"{args.data} ({args.split})"))
    return 0


def _eval_env(args: argparse.Namespace) -> int:
    import json

    from actionspace.core.registry import ENVS
    from actionspace.eval.gui import episodes_to_json, run_episodes, summarise
    from actionspace.eval.report import format_table, write_results

    env_class = ENVS.get(args.env)
    wanted = {"split": args.split, "split_by": args.split_by, "templates": args.templates, "max_steps": args.max_steps}
    accepted = {f.name for f in dataclasses.fields(env_class.config_class)}
    config = from_dict(env_class.config_class, {k: v for k, v in wanted.items() if k in accepted})
    templates = env_class(config).templates
    policy = _gui_policy(args.policy, args.seed, args.max_new_tokens, engine=args.engine, api_key=args.api_key)
    jobs = [(template, args.seed * 100_003 + i) for template in templates for i in range(args.episodes)]
    episodes = run_episodes(lambda _: env_class(config), policy, jobs, num_envs=args.num_envs)
    rows = summarise(episodes)
    title = f"{args.env} ({args.split} split by {args.split_by}), policy {args.policy}"
    if args.output:
        print(write_results(args.output, rows, title=title))
        (args.output / "episodes.json").write_text(json.dumps(episodes_to_json(episodes), indent=1))
    else:
        print(format_table(rows, title=title))
    return 0


def _gui_policy(spec: str, seed: int, max_new_tokens: int, *, engine: str = "hf", api_key: str | None = None) -> Any:
    from actionspace.envs.gui.policies import OraclePolicy, RandomPolicy

    if spec == "oracle":
        return OraclePolicy()
    if spec == "random":
        return RandomPolicy(seed)
    from actionspace.agents import TextPolicy
    from actionspace.serving import SamplingParams

    sampling = SamplingParams(max_new_tokens=max_new_tokens)
    if spec.startswith("openai:"):
        from actionspace.serving.client import OpenAIEngine

        return TextPolicy(OpenAIEngine.from_spec(spec, api_key=api_key), None, sampling=sampling)
    from actionspace.core.models import ModelConfig, load_model

    model_config = ModelConfig(path=spec)
    if engine == "vllm":
        from actionspace.serving.vllm_engine import VLLMEngine

        vllm = VLLMEngine(model_config.path or spec, seed=seed)
        return TextPolicy(vllm, vllm.tokenizer, sampling=sampling)
    from actionspace.serving import HFEngine

    model, tokenizer = load_model(model_config)
    return TextPolicy(HFEngine(model, tokenizer), tokenizer, sampling=sampling)


def _serve(args: argparse.Namespace) -> int:
    from actionspace.serving.server import serve

    return serve(
        args.policy,
        host=args.host,
        port=args.port,
        api_key=args.api_key,
        loras=args.lora,
        dtype=args.dtype,
        max_model_len=args.max_model_len,
        name=args.name,
    )


def _bench(args: argparse.Namespace) -> int:
    directory = _benchmarks_dir()
    available = sorted(p.stem.removeprefix("bench_") for p in directory.glob("*.py")) if directory else []
    if not args.name:
        print("benchmarks:", ", ".join(available) or "none found (run from the repository root)")
        return 0
    if directory is None or args.name not in available:
        raise ConfigError(f"unknown benchmark {args.name!r}; available: {', '.join(available) or 'none'}")
    script = directory / f"bench_{args.name}.py"
    if not script.exists():
        script = directory / f"{args.name}.py"
    sys.argv = [str(script), *args.args]
    runpy.run_path(str(script), run_name="__main__")
    return 0


def _benchmarks_dir() -> Path | None:
    for root in (Path.cwd(), Path(__file__).resolve().parent.parent):
        if (root / "benchmarks").is_dir():
            return root / "benchmarks"
    return None


def _list(args: argparse.Namespace) -> int:
    _load_layers()
    from actionspace.core.registry import DATASETS, ENGINES, ENVS, TRAINERS

    for registry in (TRAINERS, ENVS, ENGINES, DATASETS):
        print(f"{registry.kind + 's':<10} {', '.join(registry.names()) or '(none yet)'}")
    configs = sorted(Path("configs").glob("*.yaml")) if Path("configs").is_dir() else []
    if configs:
        print(f"{'configs':<10} {', '.join(str(p) for p in configs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
