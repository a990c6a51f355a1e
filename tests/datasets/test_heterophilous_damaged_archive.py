"""A truncated or corrupted Yandex archive is named in a DatasetFormatError."""

import io

import numpy as np
import pytest
from graphkit.datasets import DatasetFormatError, load_dataset


def _archive_bytes(compressed: bool) -> bytes:
    masks = np.zeros((10, 4), dtype=bool)
    masks[:, 0] = True
    buffer = io.BytesIO()
    save = np.savez_compressed if compressed else np.savez
    save(
        buffer,
        node_features=np.arange(400, dtype=np.float32).reshape(4, 100),
        node_labels=np.array([0, 1, 0, 1]),
        edges=np.array([(0, 1), (2, 3)], dtype=np.int64),
        train_masks=masks,
        val_masks=np.roll(masks, 1, axis=1),
        test_masks=np.roll(masks, 2, axis=1),
    )
    return buffer.getvalue()


@pytest.mark.parametrize("layout", ["heterophilous/tolokers/raw", "yandex_npz"])
def test_truncated_archive_named(tmp_path, layout):
    path = tmp_path / layout / "tolokers.npz"
    path.parent.mkdir(parents=True)
    path.write_bytes(_archive_bytes(compressed=False)[:500])

    with pytest.raises(DatasetFormatError) as caught:
        load_dataset("tolokers", root=tmp_path)

    assert str(caught.value).startswith(f"{path}: not a readable .npz archive")


def test_corrupted_compressed_member_named(tmp_path):
    content = bytearray(_archive_bytes(compressed=True))
    # The features are the first member, so bytes just past its header are data.
    start = content.index(b"node_features.npy") + 60
    content[start : start + 40] = bytes(40)
    path = tmp_path / "yandex_npz" / "tolokers.npz"
    path.parent.mkdir(parents=True)
    path.write_bytes(bytes(content))

    with pytest.raises(DatasetFormatError) as caught:
        load_dataset("tolokers", root=tmp_path)

    assert str(caught.value).startswith(f"{path}: not a readable .npz archive")
