"""The loading benchmarks patch the PyG path in-process and restore it afterwards."""

from benchmark_scripts import BENCHMARKS, load_benchmark

from graphkit.datasets import heterophilous, planetoid


def test_heterophilous_through_pyg_restores(monkeypatch):
    # The script imports its sibling kg_cli_startup.
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    module = load_benchmark("dataset_loading.py")
    current = heterophilous.processed_file
    with module.through_pyg(heterophilous):
        # The patched lookup names a file that exists, so the loader takes PyG's path.
        assert heterophilous.processed_file(None, "tolokers").is_file()
    assert heterophilous.processed_file is current


def test_planetoid_through_pyg_restores(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    module = load_benchmark("planetoid_loading.py")
    current = planetoid.read_planetoid
    with module.through_pyg():
        assert planetoid.read_planetoid is not current
    assert planetoid.read_planetoid is current
