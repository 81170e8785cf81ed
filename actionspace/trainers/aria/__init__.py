"""ARIA: intention-space reward aggregation for language agents (arXiv 2506.00539).

The intention space (`intention.py`: clustering, aggregated reward, SplitScore), the sentence embedder
(`embedding.py`), self-play data (`rollout.py`), the loss (`losses.py`), online ARIA's reward model
(`reward_model.py`) and the trainer with its baselines (`trainer.py`, ``trainer: aria``).
"""

from actionspace.trainers.aria.intention import IntentionTree, aggregate_rewards, choose_k, history_values, split_scores

__all__ = ["IntentionTree", "aggregate_rewards", "choose_k", "history_values", "split_scores"]
