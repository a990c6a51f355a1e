"""A PyG processed folder older than its raw files is processed again, not reused."""

from __future__ import annotations

import os

import pytest
from conftest import list_tree
from graphkit.datasets import load_dataset
from graphkit.datasets.stale_processed import stale_processed_folders


def _set_label_of_node_0(root, label: int) -> None:
    path = root / "webkb" / "texas" / "raw" / "out1_node_feature_label.txt"
    lines = path.read_text().split("\n")
    node_id, features, _ = lines[1].split("\t")
    lines[1] = f"{node_id}\t{features}\t{label}"
    path.write_text("\n".join(lines))
    _make_newer_than_processed(root, path)


def _make_newer_than_processed(root, path) -> None:
    """Give ``path`` a modification time after every processed file's."""
    processed = root / "webkb" / "texas" / "processed"
    newest = max(p.stat().st_mtime_ns for p in processed.iterdir())
    os.utime(path, ns=(newest + 10**9, newest + 10**9))


def test_edited_raw_file_processed_again(tiny_webkb, caplog):
    assert load_dataset("texas", root=tiny_webkb).y.tolist() == [0, 1, 2, 0]
    _set_label_of_node_0(tiny_webkb, 2)

    data = load_dataset("texas", root=tiny_webkb)

    assert data.y.tolist() == [2, 1, 2, 0]
    assert "texas/processed is older than the raw files" in caplog.text
    # The old folder is gone once the new one is written.
    assert not [p for p in list_tree(tiny_webkb) if ".stale-" in p]


def test_fresh_processed_folder_reused(tiny_webkb, caplog):
    load_dataset("texas", root=tiny_webkb)
    processed = tiny_webkb / "webkb" / "texas" / "processed" / "data.pt"
    written = processed.stat().st_mtime_ns

    load_dataset("texas", root=tiny_webkb)

    assert processed.stat().st_mtime_ns == written
    assert "older than the raw files" not in caplog.text


def test_failed_reprocessing_keeps_old_folder(tiny_webkb, monkeypatch):
    from torch_geometric.datasets import WebKB

    load_dataset("texas", root=tiny_webkb)
    before = list_tree(tiny_webkb)
    data_file = tiny_webkb / "webkb" / "texas" / "processed" / "data.pt"
    old_data = data_file.read_bytes()
    _set_label_of_node_0(tiny_webkb, 2)

    def fail(self):
        raise RuntimeError("processing failed")

    monkeypatch.setattr(WebKB, "process", fail)
    with pytest.raises(RuntimeError, match="processing failed"):
        load_dataset("texas", root=tiny_webkb)

    assert list_tree(tiny_webkb) == before
    assert data_file.read_bytes() == old_data


def test_stale_folders_compare_modification_times(tmp_path):
    raw, processed, empty = tmp_path / "raw.txt", tmp_path / "p", tmp_path / "e"
    processed.mkdir()
    empty.mkdir()
    (processed / "data.pt").write_text("x")
    raw.write_text("x")
    inside = processed / "pre_filter.pt"
    inside.write_text("x")
    os.utime(processed / "data.pt", ns=(10**9, 10**9))
    os.utime(inside, ns=(3 * 10**9, 3 * 10**9))

    os.utime(raw, ns=(2 * 10**9, 2 * 10**9))
    assert stale_processed_folders([raw, inside], [processed, empty]) == [processed]
    # A raw file inside a processed folder is not compared (OGB lists all files).
    assert stale_processed_folders([inside], [processed]) == []
    os.utime(raw, ns=(10**9, 10**9))
    assert stale_processed_folders([raw], [processed, empty]) == []
    assert stale_processed_folders([tmp_path / "missing"], [processed]) == []
