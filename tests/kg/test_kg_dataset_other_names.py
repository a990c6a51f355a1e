"""A dataset folder with train.txt.gz or train.tsv files gets an error naming them."""

import gzip

import pytest

from graphkit.kg import KGFormatError
from graphkit.kg.io import load_transductive


def test_gzip_names_to_rename(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    for part in ("train", "valid", "test"):
        (folder / f"{part}.txt.gz").write_bytes(gzip.compress(b"a\tr\tb\n"))
    with pytest.raises(KGFormatError) as caught:
        load_transductive(tmp_path, "mine")
    assert str(caught.value).endswith(
        "Only these exact names are read, so rename ['test.txt.gz', 'train.txt.gz', "
        "'valid.txt.gz'] to them (gzip-compressed content is read under a .txt name too)"
    )


def test_unrelated_files_no_rename_hint(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "README.md").write_text("facts\n")
    with pytest.raises(KGFormatError) as caught:
        load_transductive(tmp_path, "mine")
    assert str(caught.value).endswith(
        "Add train.txt, valid.txt and test.txt with one head, relation, tail row per line"
    )


def test_renamed_gzip_files_load(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "train.txt").write_bytes(gzip.compress(b"a\tr\tb\nb\tr\tc\n"))
    (folder / "valid.txt").write_bytes(gzip.compress(b"a\tr\tc\n"))
    (folder / "test.txt").write_bytes(gzip.compress(b"b\tr\ta\n"))
    split = load_transductive(tmp_path, "mine")
    assert split.train.graph.entity_names == ["a", "b", "c"]
    assert split.test.queries.tolist() == [[1, 0, 0]]
