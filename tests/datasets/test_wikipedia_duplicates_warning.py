"""Loading chameleon or squirrel warns about their duplicate nodes."""

import logging

import pytest
from graphkit.datasets import load_dataset
from test_loaders_tiny import write_npz

WARNING = (
    "{name} contains many duplicate nodes, which put copies of test nodes into the "
    "training split"
)


@pytest.mark.parametrize("name", ["chameleon", "squirrel"])
def test_yandex_source_warns(tmp_path, caplog, name):
    write_npz(tmp_path / "yandex_npz" / f"{name}.npz")

    with caplog.at_level(logging.WARNING):
        load_dataset(name, root=tmp_path, source="yandex")

    assert WARNING.format(name=name) in caplog.text
    assert f"The {name}-filtered dataset is the graph without them" in caplog.text


def test_filtered_dataset_does_not_warn(tmp_path, caplog):
    write_npz(tmp_path / "yandex_npz" / "chameleon_filtered.npz")

    with caplog.at_level(logging.WARNING):
        load_dataset("chameleon-filtered", root=tmp_path)

    assert "duplicate nodes" not in caplog.text


def test_other_geom_gcn_graph_does_not_warn(tiny_webkb, caplog):
    with caplog.at_level(logging.WARNING):
        load_dataset("texas", root=tiny_webkb)

    assert "duplicate nodes" not in caplog.text
