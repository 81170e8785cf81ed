import json

from actionspace.eval.report import format_table, write_results


def test_table_shows_intervals_and_counts(tmp_path):
    rows = {
        "before": {"accuracy": 0.0, "accuracy_low": 0.0, "accuracy_high": 0.0188, "num_examples": 200.0},
        "after": {"accuracy": 0.5, "accuracy_low": 0.43, "accuracy_high": 0.57, "num_examples": 200.0},
    }
    table = format_table(rows)
    assert table.splitlines()[0] == "| | accuracy | num_examples |"
    assert "| after | 0.500 [0.430, 0.570] | 200 |" in table
    write_results(tmp_path, rows, title="t")
    assert json.loads((tmp_path / "results.json").read_text()) == rows
    assert (tmp_path / "results.md").read_text().startswith("**t**")
