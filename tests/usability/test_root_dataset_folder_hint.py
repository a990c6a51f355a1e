"""A root that is the dataset's own folder names the family folder to pass."""

import pytest
from graphkit.datasets import load_dataset

CORA_FILES = ["x", "tx", "allx", "y", "ty", "ally", "graph", "test.index"]


@pytest.fixture
def planetoid(tmp_path):
    raw = tmp_path / "planetoid" / "Cora" / "raw"
    raw.mkdir(parents=True)
    for name in CORA_FILES:
        (raw / f"ind.cora.{name}").write_bytes(b"")
    return tmp_path / "planetoid"


@pytest.mark.parametrize("below", ["Cora", "Cora/raw"])
def test_dataset_folder_root_hint(planetoid, below):
    with pytest.raises(FileNotFoundError) as caught:
        load_dataset("cora", root=planetoid / below)
    assert f"{planetoid} contains them, so pass that folder as root." in str(caught.value)


def test_unrelated_root_no_hint(tmp_path):
    with pytest.raises(FileNotFoundError) as caught:
        load_dataset("cora", root=tmp_path / "empty")
    assert "contains them" not in str(caught.value)
