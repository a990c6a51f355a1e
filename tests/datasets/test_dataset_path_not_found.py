"""A --dataset that looks like a file path but does not exist says so."""

import pytest
from graphkit.datasets import UnknownDatasetError, load_dataset


@pytest.mark.parametrize("name", ["edgs.csv", "data/edges", "edges.txt.gz"])
def test_missing_path_named(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UnknownDatasetError) as error:
        load_dataset(name)
    message = str(error.value)
    assert f"unknown dataset {name!r}: it looks like the path of an edge-list file" in message
    assert f"but {tmp_path / name} does not exist. Check the path" in message


def test_plain_unknown_name_unchanged():
    with pytest.raises(UnknownDatasetError) as error:
        load_dataset("xyz")
    assert str(error.value).startswith("unknown dataset 'xyz'; known datasets: actor,")
