"""ARIA's intention space at scale: sentence-embedding throughput, and the time to build the clustering
tree (and choose k) for 10k and 50k actions. Target: 50k actions clustered in under 60 s on 2 cores.

    python benchmarks/bench_intention.py                    # 10k and 50k actions, average and ward linkage
    python benchmarks/bench_intention.py --sizes 2000       # a quick look

Actions are generated in the style of the four language games (yes/no questions, city questions, offers,
item splits), mostly distinct texts. All of them are embedded (throughput is measured over the whole set);
each size clusters the first N embeddings. Up to 20k distinct points the tree is scipy's exact
agglomerative clustering; above, k-means micro-clusters first (see `IntentionTree`): an exact tree over
50k points needs a 10 GB condensed distance matrix before the first merge.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import write_result  # noqa: E402

OBJECTS = "dog cat horse eagle shark apple banana guitar piano laptop bicycle train rocket chair lamp".split()
TRAITS = "alive edible electronic made of wood bigger than a car found in a kitchen able to fly furry".split(" ")
CONTINENTS = ["Europe", "Asia", "Africa", "South America", "North America", "Oceania"]
LANDMARKS = ["a famous tower", "a river", "a cathedral", "a harbour", "mountains nearby", "a royal palace"]
ITEMS = ["the bike", "the sofa", "the camera", "the painting", "the car"]


def generate_actions(count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    makers = [
        lambda: (
            f"Is it {rng.choice(['a', 'some kind of'])} {rng.choice(OBJECTS)} older than {rng.randrange(500)} days?"
        ),
        lambda: f"Is it {rng.choice(TRAITS)}? (question {rng.randrange(10_000)})",
        lambda: (
            f"Is the city in {rng.choice(CONTINENTS)}? "
            f"Does it have {rng.choice(LANDMARKS)} from {rng.randrange(1000, 2000)}?"
        ),
        lambda: f"Is the population above {rng.randrange(1, 200) * 100_000:,}?",
        lambda: f"I can offer ${rng.randrange(10, 5000)} for {rng.choice(ITEMS)}, final answer.",
        lambda: f"${rng.randrange(10, 5000)} is too low; I would take ${rng.randrange(10, 5000)}.",
        lambda: (
            f"I take {rng.randrange(4)} books, {rng.randrange(3)} hats and {rng.randrange(3)} balls; "
            f"you keep the rest. ({rng.randrange(1000)})"
        ),
        lambda: (
            f"Deal: you get {rng.randrange(4)} books and I get the {rng.choice(['hats', 'balls'])} "
            f"(round {rng.randrange(500)})."
        ),
    ]
    return [rng.choice(makers)() for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 50_000])
    parser.add_argument("--methods", nargs="+", default=["average", "ward"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--k-max", type=int, default=60, help="SplitScore is computed for k = 1 .. k_max")
    args = parser.parse_args()

    import numpy as np
    import torch

    from actionspace.trainers.aria.embedding import SentenceEmbedder
    from actionspace.trainers.aria.intention import IntentionTree, choose_k, split_scores

    torch.set_num_threads(args.threads)
    texts = generate_actions(max(args.sizes))
    embedder = SentenceEmbedder()
    embedder.encode(texts[:64])  # warm-up
    embedder.cache.clear()
    start = time.perf_counter()
    embeddings = embedder.encode(texts)
    embed_seconds = time.perf_counter() - start
    distinct = len(embedder.cache)
    throughput = distinct / embed_seconds

    rng = np.random.default_rng(0)
    rows, results = [], {}
    for size in args.sizes:
        points = embeddings[:size]
        returns = rng.random(size)  # stand-ins for game returns: the cost of choosing k, not its value
        history_tree = IntentionTree.build(rng.standard_normal((size, 8)).astype(np.float32))
        for method in args.methods:
            start = time.perf_counter()
            tree = IntentionTree.build(points, method=method)
            build = time.perf_counter() - start
            start = time.perf_counter()
            k = choose_k(split_scores(history_tree, tree, returns, args.k_max))
            choose = time.perf_counter() - start
            exact = tree.num_leaves == len(np.unique(points, axis=0))
            results[f"{size}/{method}"] = {"build_s": build, "choose_k_s": choose, "leaves": tree.num_leaves, "k": k}
            rows.append(
                f"| {size:,} | {method} | {'exact' if exact else 'k-means + tree'} | {tree.num_leaves:,} | "
                f"{build:.1f} | {choose:.1f} | {build + choose:.1f} |"
            )
            print(rows[-1], flush=True)

    # How close the two-stage tree's cuts are to the exact ones, where both can be built (adjusted Rand index).
    from sklearn.metrics import adjusted_rand_score

    small = embeddings[: min(args.sizes)]
    agreement_lines = []
    for method in args.methods:
        exact_tree = IntentionTree.build(small, method=method)
        approximate = IntentionTree.build(small, method=method, exact_limit=0)
        scores = {k: adjusted_rand_score(exact_tree.cut(k), approximate.cut(k)) for k in (5, 10, 20, 50)}
        results[f"agreement/{method}"] = scores
        agreement_lines.append(f"| {method} | " + " | ".join(f"{v:.2f}" for v in scores.values()) + " |")

    table = "\n".join(
        [
            f"Embedding (all-MiniLM-L6-v2, {args.threads} threads, batch 64): {distinct:,} distinct sentences in "
            f"{embed_seconds:.0f} s = **{throughput:,.0f} sentences/s**.",
            "",
            "| actions | linkage | tree | leaves | build (s) | choose k (SplitScore to k_max) (s) | total (s) |",
            "|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"Agreement of the two-stage tree (2,048 k-means leaves) with the exact one on the first {len(small):,} "
            "actions, adjusted Rand index of the cuts:",
            "",
            "| linkage | k=5 | k=10 | k=20 | k=50 |",
            "|---|---|---|---|---|",
            *agreement_lines,
        ]
    )
    print("\n" + table)
    path = write_result(
        "bench_intention",
        {
            "args": vars(args),
            "embedding": {"sentences": distinct, "seconds": embed_seconds},
            "results": results,
            "table": table,
        },
    )
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
