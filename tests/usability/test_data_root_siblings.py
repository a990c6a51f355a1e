"""GRAPHKIT_DATA set to graphs/ still finds FloorSet, and kg names the kg/ folder."""

import pytest

from graphkit.extras.floorset.experiment import resolve_root
from graphkit.kg import load_dataset


def _shared_layout(tmp_path):
    data = tmp_path / "data"
    (data / "graphs" / "planetoid").mkdir(parents=True)
    (data / "extras" / "floorset" / "LiteTensorDataTest").mkdir(parents=True)
    (data / "kg" / "toy").mkdir(parents=True)
    return data


def test_floorset_found_next_to_graphs(tmp_path, monkeypatch):
    data = _shared_layout(tmp_path)
    monkeypatch.delenv("GRAPHKIT_TEST_DATA", raising=False)
    monkeypatch.setenv("GRAPHKIT_DATA", str(data / "graphs"))
    assert resolve_root("") == data / "extras" / "floorset"


def test_floorset_found_under_data(tmp_path, monkeypatch):
    data = _shared_layout(tmp_path)
    monkeypatch.delenv("GRAPHKIT_TEST_DATA", raising=False)
    monkeypatch.setenv("GRAPHKIT_DATA", str(data))
    assert resolve_root("") == data / "extras" / "floorset"


def test_floorset_falls_back_to_test_data(tmp_path, monkeypatch):
    data = _shared_layout(tmp_path)
    monkeypatch.setenv("GRAPHKIT_DATA", str(tmp_path / "empty" / "graphs"))
    monkeypatch.setenv("GRAPHKIT_TEST_DATA", str(data))
    assert resolve_root("") == data / "extras" / "floorset"


def test_floorset_data_before_test_data(tmp_path, monkeypatch):
    data = _shared_layout(tmp_path)
    other = _shared_layout(tmp_path / "other")
    monkeypatch.setenv("GRAPHKIT_DATA", str(data / "graphs"))
    monkeypatch.setenv("GRAPHKIT_TEST_DATA", str(other))
    assert resolve_root("") == data / "extras" / "floorset"


def test_floorset_missing_still_raises(tmp_path, monkeypatch):
    monkeypatch.delenv("GRAPHKIT_TEST_DATA", raising=False)
    monkeypatch.setenv("GRAPHKIT_DATA", str(tmp_path / "empty" / "graphs"))
    with pytest.raises(FileNotFoundError, match="FloorSet data not found"):
        resolve_root("")


@pytest.mark.parametrize("root", ["data", "data/graphs"])
def test_kg_missing_dataset_names_kg_folder(tmp_path, root):
    data = _shared_layout(tmp_path)
    with pytest.raises(FileNotFoundError) as caught:
        load_dataset(tmp_path / root, "toy")
    assert f"{data / 'kg'} contains it, so pass that folder as root" in str(caught.value)


def test_kg_missing_dataset_without_kg_folder(tmp_path):
    (tmp_path / "other").mkdir()
    with pytest.raises(FileNotFoundError) as caught:
        load_dataset(tmp_path, "toy")
    assert "contains it" not in str(caught.value)


def test_floorset_no_root_says_nothing_set(monkeypatch):
    monkeypatch.delenv("GRAPHKIT_TEST_DATA", raising=False)
    monkeypatch.delenv("GRAPHKIT_DATA", raising=False)
    with pytest.raises(FileNotFoundError) as caught:
        resolve_root("")
    message = str(caught.value)
    assert "neither --set root nor GRAPHKIT_DATA or GRAPHKIT_TEST_DATA is set" in message
    assert "looked in nothing" not in message
