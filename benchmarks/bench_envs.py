"""Environment throughput: simphone steps/s with prompt rendering, and the android-env adapter's overhead.

1. simphone: one process, a cycle of realistic actions (open an app, scroll, tap, type, go back), each
   step followed by rendering the observation into the prompt a policy would read. Target >= 5,000/s.
2. android-env adapter over FakeSimulator: a tap is two device steps (touch, lift). The raw loop sends
   them to android-env directly; the adapter loop sends the JSONAction text
   '{"action_type": "click", "index": 0}' through parsing, mapping and observation. Target < 20%.
   FakeSimulator draws a full 1080x2400 random screenshot per device step (~10 ms), as a device would
   send one; a real emulator spends far longer per step, which makes the adapter's share smaller still.

    python benchmarks/bench_envs.py [--steps 20000] [--taps 300] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import write_result  # noqa: E402

from actionspace.envs.gui.prompt import render_observation  # noqa: E402
from actionspace.envs.gui.schema import UIElement  # noqa: E402
from actionspace.envs.gui.simphone import SimPhoneConfig, SimPhoneEnv  # noqa: E402

SIMPHONE_TARGET, ADAPTER_TARGET = 5000.0, 0.20
CYCLE = [
    '{"action_type": "open_app", "app_name": "Contacts"}',
    '{"action_type": "scroll", "direction": "down"}',
    '{"action_type": "click", "index": 3}',
    '{"action_type": "navigate_back"}',
    '{"action_type": "click", "index": 1}',
    '{"action_type": "input_text", "index": 1, "text": "Ann"}',
    '{"action_type": "navigate_home"}',
    '{"action_type": "wait"}',
]


def simphone_rate(steps: int) -> float:
    env = SimPhoneEnv(SimPhoneConfig(max_steps=10_000))
    observation, _ = env.reset(seed=0)
    start = time.perf_counter()
    for i in range(steps):
        observation, _, terminated, truncated, _ = env.step(CYCLE[i % len(CYCLE)])
        render_observation(
            observation["goal"],
            observation["ui_elements"],
            screen=observation["screen"],
            history=observation["history"],
        )
        if terminated or truncated:
            observation, _ = env.reset()
    return steps / (time.perf_counter() - start)


def android_rates(taps: int) -> tuple[float, float]:
    from android_env.components import action_type

    from actionspace.envs.gui.android import AndroidConfig, AndroidEnvAdapter

    elements = [UIElement(text="OK", bbox=(0, 0, 100, 50), is_clickable=True)]
    adapter = AndroidEnvAdapter(AndroidConfig(simulator="fake", max_steps=10**9), ui_provider=lambda env: elements)
    adapter.reset()
    raw = adapter._env
    touch = {
        "action_type": np.array(action_type.ActionType.TOUCH),
        "touch_position": np.array([0.05, 0.01], np.float32),
    }
    lift = {"action_type": np.array(action_type.ActionType.LIFT), "touch_position": np.array([0.05, 0.01], np.float32)}
    start = time.perf_counter()
    for _ in range(taps):
        raw.step(touch)
        raw.step(lift)
    raw_rate = taps / (time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(taps):
        adapter.step('{"action_type": "click", "index": 0}')
    adapter_rate = taps / (time.perf_counter() - start)
    adapter.close()
    return raw_rate, adapter_rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--taps", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    simphone = [simphone_rate(args.steps) for _ in range(args.repeats)]
    android = [android_rates(args.taps) for _ in range(args.repeats)]
    simphone_median = statistics.median(simphone)
    raw_median = statistics.median(r for r, _ in android)
    adapter_median = statistics.median(a for _, a in android)
    overhead = raw_median / adapter_median - 1

    print(f"\n| measurement | median of {args.repeats} | target | met |")
    print("|---|---|---|---|")
    print(
        f"| simphone steps/s with prompt rendering | {simphone_median:,.0f} | >= {SIMPHONE_TARGET:,.0f} | "
        f"{'yes' if simphone_median >= SIMPHONE_TARGET else 'NO'} |"
    )
    print(f"| raw FakeSimulator taps/s (touch + lift) | {raw_median:,.0f} | | |")
    print(f"| adapter taps/s (JSON click -> touch + lift + observe) | {adapter_median:,.0f} | | |")
    met = "yes" if overhead < ADAPTER_TARGET else "NO"
    print(f"| adapter overhead | {overhead:+.1%} | < {ADAPTER_TARGET:.0%} | {met} |")
    path = write_result(
        "envs",
        {
            "steps": args.steps,
            "taps": args.taps,
            "repeats": args.repeats,
            "simphone_steps_per_s": simphone,
            "android_raw_taps_per_s": [r for r, _ in android],
            "android_adapter_taps_per_s": [a for _, a in android],
            "simphone_target": SIMPHONE_TARGET,
            "adapter_overhead": overhead,
            "adapter_target": ADAPTER_TARGET,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
