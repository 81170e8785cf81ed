"""Evaluation: scoring policies on held-out data or environments, and result tables."""

from actionspace.eval.instructions import evaluate_instructions
from actionspace.eval.report import format_table, write_results

__all__ = ["evaluate_instructions", "format_table", "write_results"]
