"""Comparison table, JSON and CSV output for :class:`GraphSummary` results."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from graphkit.metrics.summary import GraphSummary

# (key in GraphSummary.measures, column header)
COLUMNS = (
    ("edge_homophily", "h_edge"),
    ("node_homophily", "h_node"),
    ("class_insensitive_homophily", "h_class"),
    ("adjusted_homophily", "h_adj"),
    ("edge_label_informativeness", "LI_edge"),
    ("node_label_informativeness", "LI_node"),
    ("nic", "NIC"),
)


def format_table(summaries: list[GraphSummary]) -> str:
    """Return one row per graph: sizes, then every measure to 4 decimals.

    The conventions line follows the table (one per distinct setting).
    """
    header = ["dataset", "nodes", "edges", "classes"] + [title for _, title in COLUMNS]
    rows = [header]
    for summary in summaries:
        row = [
            summary.name,
            str(summary.num_counted_nodes),
            str(summary.num_edges),
            str(summary.num_classes),
        ]
        row += [_number(summary.measures[key]) for key, _ in COLUMNS]
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells))
    lines.insert(1, "  ".join("-" * width for width in widths))
    for conventions in dict.fromkeys(summary.conventions for summary in summaries):
        lines.append(f"conventions: {conventions}")
    return "\n".join(lines)


def _number(value: float) -> str:
    if math.isnan(value):
        return "nan"
    text = f"{value:.4f}"
    return "0.0000" if text == "-0.0000" else text


def write_json(summaries: list[GraphSummary], path: str | Path) -> None:
    """Write every field of every summary; NaN becomes ``null``."""
    payload = [_without_nan(summary.to_dict()) for summary in summaries]
    Path(path).write_text(json.dumps(payload, indent=2) + "\n")


def _without_nan(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: _without_nan(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nan(item) for item in value]
    return value


def write_csv(summaries: list[GraphSummary], path: str | Path) -> None:
    """Write one row per graph with sizes, every scalar measure and the conventions."""
    keys = list(summaries[0].measures) if summaries else []
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        header = ["dataset", "nodes", "counted_nodes", "edges", "classes"]
        writer.writerow(header + keys + ["conventions"])
        for summary in summaries:
            sizes = [
                summary.name,
                summary.num_nodes,
                summary.num_counted_nodes,
                summary.num_edges,
                summary.num_classes,
            ]
            values = [_number_or_empty(summary.measures[key]) for key in keys]
            writer.writerow(sizes + values + [summary.conventions])


def _number_or_empty(value: float) -> str:
    return "" if math.isnan(value) else repr(value)
