"""kg.load_dataset names the swapped (name, root) order of graphkit.datasets."""

import pytest
from graphkit.kg import load_dataset


def write_rows(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("\t".join(row) + "\n" for row in rows))


@pytest.fixture
def root(tmp_path, monkeypatch):
    write_rows(tmp_path / "kg" / "toy" / "train.txt", [("a", "r", "b"), ("b", "r", "c")])
    write_rows(tmp_path / "kg" / "toy" / "valid.txt", [("a", "r", "c")])
    write_rows(tmp_path / "kg" / "toy" / "test.txt", [("c", "r", "a")])
    # A relative dataset name that does not exist in the working folder.
    monkeypatch.chdir(tmp_path)
    return tmp_path / "kg"


def test_swapped_arguments_named(root):
    with pytest.raises(ValueError) as caught:
        load_dataset("toy", str(root))
    message = str(caught.value)
    assert "load_dataset takes (root, name)" in message
    assert f"load_dataset('{root}', 'toy')" in message


def test_right_order_loads(root):
    split = load_dataset(str(root), "toy")
    assert split.name == "toy"
    assert split.test.queries.size(0) == 1
