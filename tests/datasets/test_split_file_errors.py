"""An unreadable, incomplete or short Geom-GCN split file is named in the error."""

from __future__ import annotations

import numpy as np
import pytest
from graphkit.datasets import DatasetFormatError, ShapeMismatchError, load_dataset


def _split_file(root):
    return root / "webkb" / "texas" / "raw" / "texas_split_0.6_0.2_3.npz"


def test_unreadable_split_file_named(tiny_webkb):
    path = _split_file(tiny_webkb)
    path.write_text("not an npz archive")

    with pytest.raises(DatasetFormatError) as caught:
        load_dataset("texas", root=tiny_webkb)

    assert str(caught.value).startswith(f"{path}: not a readable .npz split file")


def test_truncated_split_file_named(tiny_webkb):
    path = _split_file(tiny_webkb)
    path.write_bytes(path.read_bytes()[:100])

    with pytest.raises(DatasetFormatError) as caught:
        load_dataset("texas", root=tiny_webkb)

    assert str(caught.value).startswith(f"{path}: not a readable .npz split file")


def test_split_file_without_test_mask(tiny_webkb):
    path = _split_file(tiny_webkb)
    np.savez(path, train_mask=np.ones(4, bool), val_mask=np.zeros(4, bool))

    with pytest.raises(DatasetFormatError) as caught:
        load_dataset("texas", root=tiny_webkb)

    assert str(caught.value) == (
        f"{path}: split file lacks the array(s) test_mask. It contains train_mask, "
        "val_mask, but the split file must contain train_mask, val_mask, test_mask. "
        "Replace it with the original file"
    )


def test_short_split_mask_named(tiny_webkb):
    # PyG's WebKB stacked such masks and failed with "stack expects each tensor to be
    # equal size", naming no file.
    path = _split_file(tiny_webkb)
    short = np.zeros(3, bool)
    np.savez(path, train_mask=short, val_mask=short, test_mask=short)

    with pytest.raises(ShapeMismatchError) as caught:
        load_dataset("texas", root=tiny_webkb)

    assert str(caught.value) == (
        f"{path}: train_mask has shape (3,) but the graph has 4 nodes (expected "
        "shape (4,))"
    )
