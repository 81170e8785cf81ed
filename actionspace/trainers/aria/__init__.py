"""ARIA: intention-space reward aggregation for language agents (arXiv 2506.00539).

So far: the intention space (`intention.py`: clustering, aggregated reward, SplitScore) and the sentence
embedder (`embedding.py`). The games and trainers are the rest of the ARIA issue.
"""

from actionspace.trainers.aria.intention import IntentionTree, aggregate_rewards, choose_k, split_scores

__all__ = ["IntentionTree", "aggregate_rewards", "choose_k", "split_scores"]
