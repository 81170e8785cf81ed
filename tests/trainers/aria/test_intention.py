"""ARIA's intention space against hand computations: clusters, aggregated reward, SplitScore and k."""

from __future__ import annotations

import numpy as np
import pytest

from actionspace.trainers.aria.intention import (
    IntentionPaths,
    IntentionTree,
    aggregate_rewards,
    alone_fraction,
    choose_k,
    history_values,
    intention_paths,
    split_scores,
)


def blobs(centres, per_centre, spread=0.01, seed=0):
    rng = np.random.default_rng(seed)
    points = np.concatenate([np.asarray(c) + spread * rng.standard_normal((per_centre, len(c))) for c in centres])
    truth = np.repeat(np.arange(len(centres)), per_centre)
    return points, truth


def same_partition(labels, truth):
    """Equal up to renaming: each true cluster maps to exactly one label and vice versa."""
    pairs = set(zip(labels.tolist(), truth.tolist(), strict=True))
    return len(pairs) == len(set(labels.tolist())) == len(set(truth.tolist()))


def test_aggregated_reward_by_hand():
    # Four samples: (h0, a0) twice with returns 1 and 0, (h0, a1) once with 1, (h1, a0) once with 0.
    history = np.array([0, 0, 0, 1])
    action = np.array([0, 0, 1, 0])
    returns = np.array([1.0, 0.0, 1.0, 0.0])
    assert aggregate_rewards(history, action, returns).tolist() == [0.5, 0.5, 1.0, 0.0]
    # One history cluster and one action cluster: everything gets the batch mean.
    assert aggregate_rewards(np.zeros(4, int), np.zeros(4, int), returns).tolist() == [0.5] * 4
    # (h0, a1) and (h1, a0) hold one sample each: half the samples keep their own return.
    assert alone_fraction(history, action) == 0.5 and alone_fraction(np.zeros(4, int), np.zeros(4, int)) == 0.0
    # V~: h0 holds returns 1, 0, 1 (mean 2/3), h1 holds 0; A~ = R~ - V~ credits a1 over a0 within h0.
    values = history_values(history, returns)
    assert np.allclose(values, [2 / 3, 2 / 3, 2 / 3, 0.0])
    assert np.allclose(aggregate_rewards(history, action, returns) - values, [-1 / 6, -1 / 6, 1 / 3, 0.0])


@pytest.mark.parametrize("method", ["average", "ward"])
def test_the_tree_recovers_known_clusters_at_every_k(method):
    centres = [(0.0, 0.0), (0.0, 1.0), (5.0, 0.0), (5.0, 1.0)]  # two pairs, far apart
    points, truth = blobs(centres, 10)
    tree = IntentionTree.build(points, method=method)
    assert same_partition(tree.cut(4), truth)
    assert same_partition(tree.cut(2), truth // 2)  # the coarser cut merges within each pair
    assert len(set(tree.cut(1).tolist())) == 1


def test_duplicates_share_a_leaf_and_the_two_stage_tree_matches_the_exact_one():
    points, truth = blobs([(0.0, 0.0), (3.0, 0.0), (0.0, 3.0)], 200)
    points = np.concatenate([points, points[:50]])  # exact duplicates
    truth = np.concatenate([truth, truth[:50]])
    exact = IntentionTree.build(points)
    assert exact.num_leaves == 600  # 650 points, 600 distinct
    two_stage = IntentionTree.build(points, exact_limit=100, micro_clusters=30)
    assert two_stage.num_leaves == 30
    assert same_partition(exact.cut(3), truth) and same_partition(two_stage.cut(3), truth)


def test_split_score_by_hand_and_the_choice_of_k():
    # Actions: three tight pairs on a line, the last two pairs closer to each other than to the first;
    # histories all identical (one cluster at every k). The first pair succeeded, the others did not.
    actions = IntentionTree.build(np.array([[0.0], [0.1], [20.0], [20.1], [30.0], [30.1]]), method="average")
    histories = IntentionTree.build(np.zeros((6, 1)))
    returns = np.array([1.0, 1.0, 0.0, 0.0, 0.0, 0.0])
    # k=1: R~ = 1/3 everywhere. k=2: {first pair} -> 1, {the rest} -> 0. k=3, 4, 5: splitting the failed
    # pairs (or a pair's members) changes nothing. SplitScore(1) = (2 * 2/3 + 4 * 1/3) / 6 = 4/9.
    scores = split_scores(histories, actions, returns, k_max=4)
    r1 = np.full(6, 1 / 3)
    first_pair_apart = np.array([1.0, 1.0, 0.0, 0.0, 0.0, 0.0])
    assert scores[0] == pytest.approx(4 / 9) == pytest.approx(np.abs(first_pair_apart - r1).mean())
    assert scores[1:].tolist() == pytest.approx([0.0, 0.0, 0.0])  # further splits change nothing
    assert choose_k(scores, epsilon=0.01, tau=2) == 2
    # No window of tau + 1 small scores: the finest cut scored.
    assert choose_k(np.array([0.5, 0.001, 0.3, 0.001]), epsilon=0.01, tau=1) == 4


def test_intention_paths_by_hand():
    # Three games (A: 3 moves, B: 3, C: 2), the cluster of each move's reply and of each move:
    #   A: replies 0 1 1, moves 5 6 7     B: replies 0 1 2, moves 5 6 7     C: replies 0 1, moves 9 6
    replies = np.array([0, 1, 1, 0, 1, 2, 0, 1])
    moves = np.array([5, 6, 7, 5, 6, 7, 9, 6])
    first = np.array([1, 0, 0, 1, 0, 0, 1, 0], dtype=bool)
    paths = intention_paths(replies, moves, first)
    a0, a1, a2, b0, b1, b2, c0, c1 = paths.tolist()
    assert a0 == b0 == c0  # (o0): every game opens alike
    assert a1 == b1 != c1  # (o0, a5, o1) twice; C moved 9 first
    assert a2 != b2 and len({a2, b2, a1, a0, c1}) == 5  # A's last reply was 1, B's was 2
    # R~ over (path, move): A's and B's second moves pool (returns 1 and 0); the first moves split by move.
    returns = np.array([0.5, 1.0, 1.0, 0.5, 0.0, 0.0, 0.2, 0.2])
    assert aggregate_rewards(paths, moves, returns).tolist() == pytest.approx([0.5, 0.5, 1.0, 0.5, 0.5, 0.0, 0.2, 0.2])
    with pytest.raises(ValueError, match="start a game"):
        intention_paths(replies[1:], moves[1:], first[1:])


def test_intention_paths_cut_both_trees_at_the_same_k():
    # Two games of two moves. Replies lie in two tight pairs, moves in two; at k = 1 each move's history is
    # only its depth in the game, at k = 2 the games part after their first moves differ.
    replies = IntentionTree.build(np.array([[0.0], [10.0], [0.1], [10.1]]))
    moves = IntentionTree.build(np.array([[0.0], [0.0], [5.0], [5.0]]))
    paths = IntentionPaths(replies, moves, np.array([True, False, True, False]))
    assert paths.num_leaves == 4
    one = paths.cut(1)
    assert one[0] == one[2] != one[1] == one[3]
    two = paths.cut(2)
    assert two[0] == two[2] and len(set(two.tolist())) == 3
    assert two.tolist() == intention_paths(replies.cut(2), moves.cut(2), paths.first_move).tolist()
    # SplitScore takes paths as it takes a tree: the second moves' R~ moves once the paths part (k = 2).
    scores = split_scores(paths, moves, np.array([0.0, 1.0, 0.0, 0.0]), k_max=2)
    assert scores[0] > 0 and scores[1] == 0


def test_bad_inputs_are_clear_errors():
    with pytest.raises(ValueError, match="2-D array"):
        IntentionTree.build(np.zeros(5))
    with pytest.raises(ValueError, match="ward"):
        IntentionTree.build(np.zeros((3, 2)), method="ward", metric="cosine")
    with pytest.raises(ValueError, match="same length"):
        aggregate_rewards(np.zeros(2, int), np.zeros(3, int), np.zeros(3))
    assert IntentionTree.build(np.ones((4, 3))).cut(3).tolist() == [0, 0, 0, 0]  # all identical


def test_sentence_embeddings_are_cached_and_group_paraphrases():
    pytest.importorskip("sentence_transformers")
    from actionspace.trainers.aria.embedding import SentenceEmbedder

    embedder = SentenceEmbedder()
    texts = ["Is it an animal?", "Is it a living creature?", "I offer 40 dollars.", "My offer is $45."]
    vectors = embedder.encode(texts + texts[:1])
    assert vectors.shape == (5, embedder.dimension) and len(embedder.cache) == 4
    assert np.allclose(vectors[0], vectors[4])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    labels = IntentionTree.build(vectors[:4], method="average").cut(2)
    assert labels[0] == labels[1] != labels[2] == labels[3]  # questions vs offers


def test_number_features_are_the_log_of_the_first_and_last_number():
    from actionspace.trainers.aria.embedding import number_features

    features = number_features(["I offer $1,199", "Worth $312 to me.\nSeller: I can do $400.", "Accept."], 0.5)
    expected = 0.5 * np.log1p([[1199, 1199], [312, 400], [0, 0]])  # no number: 0
    assert np.allclose(features, expected)


def test_number_weight_orders_offers_by_price():
    pytest.importorskip("sentence_transformers")
    from actionspace.trainers.aria.embedding import SentenceEmbedder

    texts = ["I offer $120", "I offer $125", "I offer $900"]
    plain, with_numbers = SentenceEmbedder(), SentenceEmbedder(number_weight=1.0)
    assert with_numbers.dimension == plain.dimension + 2
    vectors = with_numbers.encode(texts)
    near, far = np.linalg.norm(vectors[0] - vectors[1]), np.linalg.norm(vectors[0] - vectors[2])
    # The encoder alone puts $125 0.58 from $120; the log coordinates add 0.04 to that and 2.0 to $900's.
    assert far - near > 1.0
    assert np.allclose(with_numbers.encode(texts)[:, : plain.dimension], plain.encode(texts))
