"""Line-by-line checks of the Geom-GCN text files, run before PyG parses them.

PyG's readers of these files fail on a bad line with a bare ``ValueError`` or
``IndexError`` and silently drop a last line that lacks its newline. These checks report
the file, the line number and the line instead.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from .errors import MalformedLineError, UnknownNodeIdError


def _data_lines(path: Path) -> list[str]:
    """Return the lines after the header, and raise if the file does not end in a newline."""
    text = path.read_text()
    lines = text.split("\n")
    if text and not text.endswith("\n"):
        raise MalformedLineError(
            path,
            len(lines),
            lines[-1],
            "the last line does not end with a newline "
            "(PyG's reader would drop it); add a newline at the end of the file",
        )
    return lines[1:-1]


def _parse_int(text: str, path: Path, line_number: int, line: str, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise MalformedLineError(
            path, line_number, line, f"{what} {text!r} is not an integer"
        ) from None
    if value < 0:
        raise MalformedLineError(path, line_number, line, f"{what} {value} is negative")
    return value


def check_node_file(path: Path, sparse: bool = False) -> int:
    """Check ``out1_node_feature_label.txt`` and return its number of nodes.

    Each line after the header must be ``id<TAB>features<TAB>label``. Dense features
    (``sparse=False``) are comma-separated numbers, the same count on every line, and the
    ids must be ``0, 1, 2, ...`` in file order, because PyG takes the line order as the
    node order. Sparse features (Actor) are comma-separated non-negative integer indices,
    and the ids may come in any order but must be distinct.
    """
    seen: dict[int, int] = {}  # node id -> line number
    width = None
    lines = _data_lines(path)
    for offset, line in enumerate(lines):
        line_number = offset + 2
        fields = line.split("\t")
        if len(fields) != 3:
            raise MalformedLineError(
                path,
                line_number,
                line,
                f"expected 3 tab-separated fields (id, features, label), found {len(fields)}",
            )
        node_id = _parse_int(fields[0], path, line_number, line, "node id")
        _parse_int(fields[2], path, line_number, line, "label")
        values = fields[1].split(",")
        if sparse:
            for value in values:
                _parse_int(value, path, line_number, line, "feature index")
            if node_id in seen:
                raise MalformedLineError(
                    path, line_number, line, f"node id {node_id} repeats"
                )
            seen[node_id] = line_number
            continue
        if node_id != offset:
            raise MalformedLineError(
                path,
                line_number,
                line,
                f"node id {node_id} is out of order; expected {offset} (ids must be "
                "0, 1, 2, ... in file order)",
            )
        try:
            [float(value) for value in values]
        except ValueError:
            raise MalformedLineError(
                path, line_number, line, "features must be comma-separated numbers"
            ) from None
        if width is None:
            width = len(values)
        elif len(values) != width:
            raise MalformedLineError(
                path,
                line_number,
                line,
                f"{len(values)} feature values, but the first node has {width}",
            )
    if sparse and seen and max(seen) >= len(seen):
        # The ids are distinct, so one at or above the node count leaves a gap below it.
        count = len(seen)
        too_large = sorted(i for i in seen if i >= count)
        missing = sorted(set(range(count)) - seen.keys())
        first = min(too_large, key=seen.__getitem__)
        raise MalformedLineError(
            path,
            seen[first],
            lines[seen[first] - 2],
            f"node id {first} is out of range: the file lists {count} nodes, so the "
            f"ids must be 0..{count - 1}. Out-of-range ids: {too_large[:5]}. Missing "
            f"ids: {missing[:5]}",
        )
    return len(lines)


def read_edge_file(path: Path, num_nodes: int | None = None) -> torch.Tensor:
    """Read ``out1_graph_edges.txt`` into a ``[2, E]`` tensor, checking every line.

    Args:
        path (Path): The edge file: a header, then ``src<TAB>dst`` per line.
        num_nodes (int, optional): When given, every id must be below it.
    """
    lines = _data_lines(path)
    edges = _parse_edges_fast(lines, num_nodes)
    if edges is None:
        edges = _parse_edges_checked(lines, path, num_nodes)
    return torch.from_numpy(edges).reshape(-1, 2).t().contiguous()


def _parse_edges_fast(lines: list[str], num_nodes: int | None) -> np.ndarray | None:
    """Parse well-formed lines in bulk; return None when any line needs a closer look."""
    if not all(line.count("\t") == 1 for line in lines):
        return None
    tokens = "\t".join(lines).split()
    if len(tokens) != 2 * len(lines):
        return None
    try:
        edges = np.array(tokens, dtype=np.int64)
    except ValueError:
        return None
    if edges.size and (
        edges.min() < 0 or (num_nodes is not None and edges.max() >= num_nodes)
    ):
        return None
    return edges


def _parse_edges_checked(
    lines: list[str], path: Path, num_nodes: int | None
) -> np.ndarray:
    """Parse line by line and raise on the first bad line."""
    edges = []
    for offset, line in enumerate(lines):
        line_number = offset + 2
        fields = line.split("\t")
        if len(fields) != 2:
            raise MalformedLineError(
                path,
                line_number,
                line,
                f"expected 2 tab-separated node ids (source, target), found {len(fields)} fields",
            )
        source = _parse_int(fields[0], path, line_number, line, "source id")
        target = _parse_int(fields[1], path, line_number, line, "target id")
        if num_nodes is not None and max(source, target) >= num_nodes:
            raise UnknownNodeIdError(
                f"{path}:{line_number}: edge refers to node {max(source, target)}, but the "
                f"node file lists only ids 0..{num_nodes - 1}; line content: {line!r}",
                [str(max(source, target))],
            )
        edges.append((source, target))
    return np.array(edges, dtype=np.int64)
