"""A dataset name with a trailing slash still finds the GraIL ``NAME_ind`` folder."""

import pytest

from graphkit.kg import load_dataset


def write_rows(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("\t".join(row) + "\n" for row in rows))


@pytest.fixture()
def root(tmp_path):
    facts = [("a", "r", "b"), ("b", "s", "c")]
    write_rows(tmp_path / "toy_v1" / "train.txt", facts)
    write_rows(tmp_path / "toy_v1" / "valid.txt", [("a", "s", "c")])
    write_rows(tmp_path / "toy_v1" / "test.txt", [("c", "r", "a")])
    write_rows(tmp_path / "toy_v1_ind" / "train.txt", [("x", "r", "y")])
    write_rows(tmp_path / "toy_v1_ind" / "valid.txt", [("y", "r", "x")])
    write_rows(tmp_path / "toy_v1_ind" / "test.txt", [("x", "r", "x")])
    return tmp_path


@pytest.mark.parametrize("name", ["toy_v1/", "./toy_v1/", "toy_v1//"])
def test_trailing_slash_loads_grail_split(root, name):
    split = load_dataset(root, name)
    assert split.name == "toy_v1"
    assert split.test.name == "toy_v1/test"
    assert split.test.graph.entity_names == ["x", "y"]
    assert split.test.queries.tolist() == [[1, 0, 0], [0, 0, 0]]
