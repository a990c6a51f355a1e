"""--dataset-options or --parts-method with --partitions: ignored, and rank 0 warns."""

import pytest
from harness import run_world

pytestmark = pytest.mark.distributed


def build_with_options(
    rank: int,
    world_size: int,
    folder: str,
    options: dict,
    method: str = "metis",
    cli: bool = True,
):
    import contextlib
    import logging

    from graphkit.datasets import load_dataset
    from graphkit.distributed import partition_nodes
    from graphkit.distributed.files import write_partitions
    from graphkit.distributed.runtime import build_partition
    from graphkit.option_names import command_line_options
    from graphkit.train.config import TrainConfig

    data = load_dataset("synthetic", None, num_nodes=60, seed=1)
    parts = partition_nodes(data.edge_index, data.num_nodes, world_size, "random")
    if rank == 0:
        write_partitions(data, parts, world_size, folder)
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("graphkit.distributed.partition_loading")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    config = TrainConfig(
        partitions=folder, dataset_options=options, parts_method=method
    )
    with command_line_options() if cli else contextlib.nullcontext():
        _graph, data = build_partition(config, rank, world_size)
    logger.removeHandler(handler)
    warnings = [r.getMessage() for r in records if r.levelno >= logging.WARNING]
    return warnings, int(data.x.size(0))


def test_options_with_partitions_warn(tmp_path):
    (warnings, rows), = run_world(
        build_with_options, 1, str(tmp_path / "parts"), {"num_nodes": 500}
    )
    assert rows == 60
    assert len(warnings) == 1
    assert "--dataset-options {'num_nodes': 500} are ignored" in warnings[0]


def test_no_options_no_warning(tmp_path):
    (warnings, rows), = run_world(build_with_options, 1, str(tmp_path / "parts"), {})
    assert rows == 60
    assert warnings == []


def test_parts_method_with_partitions_warns(tmp_path):
    (warnings, rows), = run_world(
        build_with_options, 1, str(tmp_path / "parts"), {}, "random"
    )
    assert rows == 60
    assert len(warnings) == 1
    assert "--parts-method random is ignored" in warnings[0]
    assert "--method random to graphkit partition" in warnings[0]


def test_options_warning_python_wording(tmp_path):
    (warnings, _rows), = run_world(
        build_with_options, 1, str(tmp_path / "parts"), {"num_nodes": 500}, "metis", False
    )
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "dataset_options={'num_nodes': 500} are ignored: the graph comes from the "
        "partitions in"
    )


def test_parts_method_warning_python_wording(tmp_path):
    (warnings, _rows), = run_world(
        build_with_options, 1, str(tmp_path / "parts"), {}, "random", False
    )
    assert len(warnings) == 1
    assert warnings[0].startswith("parts_method='random' is ignored")
    assert "--method random to graphkit partition" in warnings[0]
