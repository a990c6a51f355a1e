"""A signed NaN label (``-nan`` as C's printf writes it, ``+NaN``) marks an unlabelled node.

Before, only a field equal to ``nan`` in any case did, so ``-nan`` became a class name
of its own and turned the integer labels into text.
"""

import pytest
from graphkit.datasets import load_edge_list


@pytest.mark.parametrize("marker", ["-nan", "+NaN", "-NAN", "nan"])
def test_signed_nan_label_unlabelled(tmp_path, marker):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n1 2\n2 0\n")
    labels = tmp_path / "labels.txt"
    labels.write_text(f"0 {marker}\n1 1\n2 0\n")
    data = load_edge_list(edges, labels=labels)
    assert data.y.tolist() == [-1, 1, 0]
    assert data.num_classes == 2
