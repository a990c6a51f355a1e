"""kg.load_dataset finds a dataset folder whatever the case of its name."""

import pytest
from graphkit.kg import load_dataset


def write_rows(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("\t".join(row) + "\n" for row in rows))


@pytest.fixture
def root(tmp_path):
    for folder in ("Toy_v1", "Toy_v1_ind"):
        write_rows(tmp_path / folder / "train.txt", [("a", "r", "b"), ("b", "r", "c")])
        write_rows(tmp_path / folder / "valid.txt", [("a", "r", "c")])
        write_rows(tmp_path / folder / "test.txt", [("c", "r", "a")])
    return tmp_path


@pytest.mark.parametrize("name", ["toy_v1", "TOY_V1", "Toy_v1"])
def test_name_case_finds_grail_split(root, name):
    split = load_dataset(root, name)
    assert split.name == "Toy_v1"
    assert split.test.name == "Toy_v1/test"


def test_two_case_variants_not_guessed(root):
    write_rows(root / "TOY_V1" / "train.txt", [("a", "r", "b")])
    with pytest.raises(FileNotFoundError, match="dataset folder .*toy_v1 not found"):
        load_dataset(root, "toy_v1")
