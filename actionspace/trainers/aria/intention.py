"""ARIA's intention space (arXiv 2506.00539): the core math, in one place.

Free-text actions (and the histories they answer) are embedded with a sentence encoder and grouped by
agglomerative clustering into "intentions". The reward of a sample is replaced by the mean return of all
samples that share its (history cluster, action cluster): semantically equivalent moves get the same
credit, which lowers the variance of the policy gradient.

    R~_i = mean{ R_j : h(j) = h(i), a(j) = a(i) }          (the aggregated reward, used as advantage)
    V~_i = mean{ R_j : h(j) = h(i) }                        (optional baseline: A~_i = R~_i - V~_i)

A history h is either the transcript before the move, embedded and clustered like the moves (our first
reading of the card), or, as the paper writes it (h~_t) and its code keys its states, the path of intentions
that led to the move: the clusters of every earlier move and of every reply of the counterpart,

    h~_t = (c(o_0), c(a_0), c(o_1), ..., c(a_(t-1)), c(o_t))            (`IntentionPaths`)

so that two histories are one only when the games went the same way, intention by intention.

The paper defines the advantage as R~, and its released scripts train on it (``reward = 'q'``). Their
``value_type='adv'`` option subtracts V~, the mean return of the history cluster, which removes what the
history alone predicts and keeps what the intention adds.

The number of clusters k comes from SplitScore: how much R~ still changes when one more cluster is split
off,

    SplitScore(k) = mean_i | R~_i^(k+1) - R~_i^(k) |,

choosing the smallest k with SplitScore(j) < epsilon for every j in [k, k + tau] (the paper: epsilon 0.01,
tau 10). The tree is built once; every k is a cut of it (scipy ``fcluster(maxclust)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

Linkage = Literal["average", "ward", "complete", "single"]


@dataclass
class IntentionTree:
    """A dendrogram over a set of embeddings, cut at any k.

    Up to ``exact_limit`` distinct points the tree is scipy's exact agglomerative clustering. Above it,
    the condensed distance matrix alone would need n^2/2 floats (10 GB at 50k points) and minutes to
    fill, so the points are first summarised by ``micro_clusters`` k-means centroids (mini-batch), and
    the tree is built over the centroids: BIRCH's two-stage scheme. Cuts at k much smaller than the
    number of centroids are then close to the exact ones; each point takes its centroid's cluster.
    """

    tree: np.ndarray
    """scipy linkage matrix over the tree's leaves."""
    leaf_of_point: np.ndarray
    """(n,) which leaf (distinct point or micro-cluster) each input point belongs to."""

    @classmethod
    def build(
        cls,
        embeddings: np.ndarray,
        *,
        method: Linkage = "average",
        metric: str = "euclidean",
        exact_limit: int = 20_000,
        micro_clusters: int = 2_048,
        seed: int = 0,
    ) -> IntentionTree:
        if embeddings.ndim != 2 or len(embeddings) < 2:
            raise ValueError(f"need a 2-D array of at least 2 embeddings, got shape {embeddings.shape}")
        if method == "ward" and metric != "euclidean":
            raise ValueError("ward linkage is defined for the euclidean metric only")
        leaves, leaf_of_point = np.unique(embeddings.astype(np.float64), axis=0, return_inverse=True)
        if len(leaves) > exact_limit:
            from sklearn.cluster import MiniBatchKMeans

            kmeans = MiniBatchKMeans(
                n_clusters=micro_clusters, batch_size=4096, n_init=1, max_iter=5, init="random", random_state=seed
            ).fit(leaves)
            leaf_of_point = kmeans.labels_[leaf_of_point]
            leaves = kmeans.cluster_centers_
        if len(leaves) == 1:  # every point identical: one cluster whatever k is
            return cls(np.zeros((0, 4)), np.zeros(len(embeddings), dtype=np.int64))
        return cls(linkage(leaves, method=method, metric=metric), np.asarray(leaf_of_point).reshape(-1))

    @property
    def num_leaves(self) -> int:
        return len(self.tree) + 1

    def cut(self, k: int) -> np.ndarray:
        """(n,) cluster labels in [0, k) for the input points, at most k distinct."""
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        if self.num_leaves == 1:
            return np.zeros(len(self.leaf_of_point), dtype=np.int64)
        leaf_labels = fcluster(self.tree, t=k, criterion="maxclust") - 1
        return leaf_labels[self.leaf_of_point]


@dataclass
class IntentionPaths:
    """Histories as paths of intentions: each move's history is the sequence of the clusters of its game's
    earlier moves and of the replies up to it, all cut at the same k (`intention_paths`). Duck-types the
    part of `IntentionTree` that SplitScore uses, so either kind of history is cut the same way."""

    replies: IntentionTree
    """Over the replies each move answered (the counterpart's messages; the opening at a game's first move)."""
    actions: IntentionTree
    """Over the moves."""
    first_move: np.ndarray
    """(n,) bool, True where a game starts: a game's samples are consecutive and in order."""

    @property
    def num_leaves(self) -> int:
        """Cuts finer than this change neither tree."""
        return max(self.replies.num_leaves, self.actions.num_leaves)

    def cut(self, k: int) -> np.ndarray:
        return intention_paths(self.replies.cut(k), self.actions.cut(k), self.first_move)


def intention_paths(reply_labels: np.ndarray, action_labels: np.ndarray, first_move: np.ndarray) -> np.ndarray:
    """(n,) one id per distinct path (c(o_0), c(a_0), ..., c(a_(t-1)), c(o_t)): sample t's reply label after
    the labels of its game's earlier replies and moves. ``first_move`` marks where each game starts."""
    if not len(reply_labels) == len(action_labels) == len(first_move):
        raise ValueError("reply_labels, action_labels and first_move must have the same length")
    if len(first_move) and not first_move[0]:
        raise ValueError("the first sample must start a game")
    nodes: dict[tuple[int, str, int], int] = {}  # (parent path, kind, label) -> path id: a trie of paths
    paths = np.empty(len(first_move), dtype=np.int64)
    path = -1
    for i, (reply, action, first) in enumerate(zip(reply_labels, action_labels, first_move, strict=True)):
        path = nodes.setdefault((-1 if first else path, "reply", int(reply)), len(nodes))
        paths[i] = path
        path = nodes.setdefault((path, "move", int(action)), len(nodes))
    return paths


class Cuttable(Protocol):
    """Labels for any k: an `IntentionTree` or `IntentionPaths`."""

    @property
    def num_leaves(self) -> int: ...

    def cut(self, k: int) -> np.ndarray: ...


def aggregate_rewards(history_labels: np.ndarray, action_labels: np.ndarray, returns: np.ndarray) -> np.ndarray:
    """R~: each sample's return replaced by the mean return of its (history cluster, action cluster)."""
    if not len(history_labels) == len(action_labels) == len(returns):
        raise ValueError("history_labels, action_labels and returns must have the same length")
    cell = _cells(history_labels, action_labels)
    sums = np.bincount(cell, weights=returns.astype(np.float64))
    return (sums / np.bincount(cell))[cell]


def alone_fraction(history_labels: np.ndarray, action_labels: np.ndarray) -> float:
    """The share of samples alone in their (history cluster, action cluster): R~ is their own return, so the
    aggregation pooled nothing for them (near 1, ARIA's update is REINFORCE's)."""
    cell = _cells(history_labels, action_labels)
    return float((np.bincount(cell)[cell] == 1).mean())


def _cells(history_labels: np.ndarray, action_labels: np.ndarray) -> np.ndarray:
    """Each sample's (history cluster, action cluster) as one index."""
    _, cell = np.unique(np.stack([history_labels, action_labels], axis=1), axis=0, return_inverse=True)
    return cell.reshape(-1)


def history_values(history_labels: np.ndarray, returns: np.ndarray) -> np.ndarray:
    """V~: each sample's mean return over its history cluster, the baseline of A~ = R~ - V~."""
    return aggregate_rewards(history_labels, np.zeros_like(history_labels), returns)


def split_scores(histories: Cuttable, actions: Cuttable, returns: np.ndarray, k_max: int) -> np.ndarray:
    """SplitScore(k) for k = 1 .. k_max (index k - 1), histories and moves cut at the same k."""
    aggregated = [aggregate_rewards(histories.cut(k), actions.cut(k), returns) for k in range(1, k_max + 2)]
    return np.array([np.abs(aggregated[k] - aggregated[k - 1]).mean() for k in range(1, k_max + 1)])


def choose_k(scores: np.ndarray, *, epsilon: float = 0.01, tau: int = 10) -> int:
    """The smallest k whose SplitScore and the next ``tau`` ones are all below ``epsilon``.

    ``scores[k - 1]`` is SplitScore(k). If no window qualifies, the largest k scored (the finest cut,
    closest to raw returns) is returned: too few samples to find a plateau.
    """
    below = scores < epsilon
    for k in range(1, len(scores) + 1):
        window = below[k - 1 : k + tau]
        if len(window) == tau + 1 and window.all():
            return k
    return len(scores)
