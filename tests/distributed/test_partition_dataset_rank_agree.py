"""Ranks agree on whether --dataset names the partitioned edge list.

graphkit partition records the absolute path of an edge-list file, and each rank
compared its --dataset with it on its own file system. A rank on a machine without the
file (a second node) rejected a relative --dataset that rank 0 accepted, so rank 0
waited in the next collective and failed with a lost-peer error instead of training.
"""

import os

import pytest
from harness import run_world

from graphkit.launch.cli import main

EDGES = "0 1\n1 2\n2 3\n3 0\n0 2\n"


def build(rank, world_size, folder, dataset, cwd_by_rank):
    from graphkit.distributed.files import PartitionFileError
    from graphkit.distributed.runtime import build_partition
    from graphkit.train.config import TrainConfig

    os.chdir(cwd_by_rank[rank])
    config = TrainConfig(partitions=folder, dataset=dataset)
    try:
        build_partition(config, rank, world_size)
    except PartitionFileError as error:
        return str(error), error.every_rank
    return "ok"


@pytest.fixture
def parts(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    (data / "edges.txt").write_text(EDGES)
    (data / "y.txt").write_text("0 0\n1 0\n2 1\n3 1\n")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(data)
    argv = ["partition", "--dataset", "edges.txt", "--dataset-options", "{labels: y.txt}"]
    assert main([*argv, "--parts", "2", "--out", str(tmp_path / "parts")]) == 0
    return tmp_path


@pytest.mark.distributed
def test_rank_without_file_accepts_same_name(parts):
    cwd = [str(parts / "data"), str(parts / "elsewhere")]
    results = run_world(build, 2, str(parts / "parts"), "edges.txt", cwd, timeout_s=30)
    assert results == ["ok", "ok"]


@pytest.mark.distributed
def test_one_rank_rejecting_stops_every_rank(parts):
    # link.txt names the edge list on rank 0 only, and its name differs.
    (parts / "data" / "link.txt").symlink_to(parts / "data" / "edges.txt")
    cwd = [str(parts / "data"), str(parts / "elsewhere")]
    results = run_world(build, 2, str(parts / "parts"), "link.txt", cwd, timeout_s=30)
    (first, first_every), (second, second_every) = results
    assert first == (
        "1 other rank(s) found that dataset 'link.txt' does not name the dataset "
        f"of the partitions in {parts / 'parts'}; see their errors"
    )
    assert second.startswith(f"{parts / 'parts'} contains partitions of dataset")
    assert not first_every
    assert not second_every
