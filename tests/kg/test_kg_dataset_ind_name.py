"""Passing the ``NAME_ind`` half of a GraIL split as the dataset logs a warning."""

import logging

from graphkit.kg import load_dataset


def write_rows(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("\t".join(row) + "\n" for row in rows))


def make_split(root):
    for folder in ("toy_v1", "toy_v1_ind"):
        write_rows(root / folder / "train.txt", [("a", "r", "b"), ("b", "r", "c")])
        write_rows(root / folder / "valid.txt", [("a", "r", "c")])
        write_rows(root / folder / "test.txt", [("c", "r", "a")])


def test_ind_folder_name_warns(tmp_path, caplog):
    make_split(tmp_path)
    with caplog.at_level(logging.WARNING, logger="graphkit.kg.io"):
        split = load_dataset(tmp_path, "toy_v1_ind")
    assert split.test.queries.tolist() == [[2, 0, 0]]
    assert "inference half of the GraIL split toy_v1" in caplog.text


def test_grail_name_does_not_warn(tmp_path, caplog):
    make_split(tmp_path)
    with caplog.at_level(logging.WARNING, logger="graphkit.kg.io"):
        load_dataset(tmp_path, "toy_v1")
    assert "inference half" not in caplog.text
