"""graphkit train rejects partitions whose edge-list files or options changed later."""

import json
import logging
import os

import pytest
from harness import run_world

from graphkit.distributed.source import (
    check_source,
    describe_source,
    options_problem,
    root_problem,
    source_problem,
)
from graphkit.launch.cli import main, run
from graphkit.option_names import command_line_options
from graphkit.train import TrainConfig

EDGES = "0 1\n1 2\n2 3\n3 0\n0 2\n"
TRAIN = ["--epochs", "1", "--metric", "accuracy"]


@pytest.fixture
def graph(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "edges.txt").write_text(EDGES)
    (folder / "x.txt").write_text("0 1.0\n1 2.0\n2 3.0\n3 4.0\n")
    (folder / "y.txt").write_text("0 0\n1 0\n2 1\n3 1\n")
    monkeypatch.chdir(folder)
    return folder


def partition(out, *extra, parts=1):
    options = ["--dataset-options", "{features: x.txt, labels: y.txt}"]
    argv = ["partition", "--dataset", "edges.txt", *options, "--parts", str(parts)]
    assert main([*argv, "--out", str(out), *extra]) == 0
    return json.loads((out / "meta.json").read_text())


def set_mtime_later(path, seconds=100):
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + seconds * 10**9))


def test_meta_records_files(graph, tmp_path):
    meta = partition(tmp_path / "parts")
    files = meta["source"]["files"]
    assert [record["role"] for record in files] == ["edge list", "features", "labels"]
    assert files[0]["path"] == str(graph / "edges.txt")
    assert files[0]["bytes"] == len(EDGES)
    assert files[0]["mtime_ns"] == (graph / "edges.txt").stat().st_mtime_ns
    assert len(files[0]["sha256"]) == 64
    assert meta["source"]["dataset_options"] == {
        "features": str(graph / "x.txt"),
        "labels": str(graph / "y.txt"),
    }
    assert meta["source"]["root"] is None


def test_changed_edge_list_rejected(graph, tmp_path, capsys):
    partition(tmp_path / "parts")
    (graph / "edges.txt").write_text(EDGES + "1 3\n")
    train = ["train", "--dataset", "edges.txt", "--partitions", str(tmp_path / "parts")]
    assert run([*train, *TRAIN]) != 0
    error = capsys.readouterr().err
    assert f"the edge list {graph / 'edges.txt'} changed" in error
    assert f"its size changed from {len(EDGES)} to {len(EDGES) + 4} bytes" in error
    assert f"run graphkit partition again with --out {tmp_path / 'parts'}" in error


def test_unchanged_source_trains(graph, tmp_path, capsys):
    partition(tmp_path / "parts")
    train = ["train", "--dataset", "edges.txt", "--partitions", str(tmp_path / "parts")]
    assert run([*train, *TRAIN]) == 0
    assert "test accuracy" in capsys.readouterr().out


def test_touched_identical_file_trains(graph, tmp_path, capsys):
    partition(tmp_path / "parts")
    set_mtime_later(graph / "edges.txt")
    set_mtime_later(graph / "y.txt")
    train = ["train", "--dataset", "edges.txt", "--partitions", str(tmp_path / "parts")]
    assert run([*train, *TRAIN]) == 0
    assert "test accuracy" in capsys.readouterr().out


def test_same_size_new_content_rejected(graph, tmp_path):
    meta = partition(tmp_path / "parts")
    labels = graph / "y.txt"
    labels.write_text("0 1\n1 1\n2 0\n3 0\n")  # same length, other labels
    set_mtime_later(labels)
    problem = source_problem(meta, "parts", "edges.txt", {})
    assert problem.startswith(f"the labels {labels} changed after graphkit partition")
    assert "its content changed (SHA-256 " in problem


def test_same_mtime_not_hashed(graph, tmp_path, monkeypatch):
    meta = partition(tmp_path / "parts")

    def fail(path):
        raise AssertionError(f"{path} was hashed")

    monkeypatch.setattr("graphkit.distributed.source.sha256_of", fail)
    assert source_problem(meta, "parts", "edges.txt", {}) is None


def test_missing_recorded_file_uses_given_one(graph, tmp_path):
    meta = partition(tmp_path / "parts")
    # Another machine mounts the data elsewhere: the recorded paths do not exist.
    for record in meta["source"]["files"]:
        record["path"] = "/other/mount/" + os.path.basename(record["path"])
    (graph / "edges.txt").write_text(EDGES + "1 3\n")
    problem = source_problem(meta, "parts", "edges.txt", {})
    assert problem.startswith("the edge list edges.txt changed")
    assert source_problem(meta, "parts", "x.txt", {}) is None  # nothing to compare


def test_old_metadata_trains(graph, tmp_path, capsys):
    meta = partition(tmp_path / "parts")
    del meta["source"]
    (tmp_path / "parts" / "meta.json").write_text(json.dumps(meta))
    (graph / "edges.txt").write_text(EDGES + "1 3\n")
    train = ["train", "--dataset", "edges.txt", "--partitions", str(tmp_path / "parts")]
    assert run([*train, *TRAIN]) == 0
    assert "test accuracy" in capsys.readouterr().out


def test_invalid_record_rejected(graph, tmp_path):
    meta = partition(tmp_path / "parts")
    del meta["source"]["files"][1]["mtime_ns"]
    problem = source_problem(meta, "parts", "edges.txt", {})
    assert problem == (
        "the source entry of parts/meta.json is invalid: its files must be a list of "
        "records with bytes, mtime_ns, path, role, sha256. Run graphkit partition "
        "again with --out parts --overwrite"
    )


class OneRank:
    """The communicator of a group of one rank."""

    device = "cpu"

    def all_reduce(self, tensor, label):
        return tensor


def test_unreadable_file_warns(graph, tmp_path, monkeypatch):
    partition(tmp_path / "parts")
    meta = json.loads((tmp_path / "parts" / "meta.json").read_text())
    set_mtime_later(graph / "edges.txt")

    def deny(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("graphkit.distributed.source.sha256_of", deny)
    config = TrainConfig(partitions="parts", dataset="edges.txt")
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("graphkit.distributed.source")
    logger.addHandler(handler)
    try:
        check_source(OneRank(), meta, config, 0)
    finally:
        logger.removeHandler(handler)
    warnings = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    assert warnings == [
        "the source files of parts were not checked: [Errno 13] Permission denied: "
        f"'{graph / 'edges.txt'}'"
    ]


def test_other_options_rejected(graph, tmp_path, capsys):
    partition(tmp_path / "parts")
    train = ["train", "--dataset", "edges.txt", "--partitions", str(tmp_path / "parts")]
    same = ["--dataset-options", f"{{features: {graph / 'x.txt'}, labels: y.txt}}"]
    assert run([*train, *same, *TRAIN]) == 0
    assert "are ignored" not in capsys.readouterr().err
    other = ["--dataset-options", "{features: x.txt, labels: y.txt, seed: 3}"]
    assert run([*train, *other, *TRAIN]) != 0
    error = capsys.readouterr().err
    assert "differ from the options" in error
    assert "(in seed)" in error


def test_options_problem_cases():
    meta = {"source": {"dataset_options": {"num_nodes": 100}}}
    assert options_problem(meta, "p", {}) is None
    assert options_problem(meta, "p", {"num_nodes": 100}) is None
    with command_line_options():
        problem = options_problem(meta, "p", {"num_nodes": 200})
    assert problem == (
        '--dataset-options {"num_nodes": 200} differ from the options '
        '{"num_nodes": 100} that p was partitioned with (in num_nodes). Pass the '
        "recorded options or none, or run graphkit partition again with these "
        "options into another --out folder"
    )
    assert options_problem({}, "p", {"num_nodes": 200}) is None


def test_options_problem_file_on_other_mount(tmp_path):
    # The recorded features file lies on a mount this machine lacks. The given file
    # of the same name is taken as that file, and one of another name is not.
    (tmp_path / "x.csv").write_text("1.0\n")
    (tmp_path / "y.csv").write_text("1.0\n")
    meta = {"source": {"dataset_options": {"features": "/mnt/elsewhere/x.csv"}}}
    assert options_problem(meta, "p", {"features": str(tmp_path / "x.csv")}) is None
    problem = options_problem(meta, "p", {"features": str(tmp_path / "y.csv")})
    assert problem is not None
    assert "(in features)" in problem


def test_root_recorded_for_named_dataset(tmp_path):
    source = describe_source("cora", str(tmp_path), {})
    assert source == {"dataset_options": {}, "root": str(tmp_path), "files": []}
    assert root_problem({"source": source}, str(tmp_path)) is None
    assert root_problem({"source": source}, None) is None
    with command_line_options():
        warning = root_problem({"source": source}, str(tmp_path / "other"))
    assert warning.startswith(f"--root {tmp_path / 'other'} is not the data root")
    assert describe_source("synthetic", str(tmp_path), {})["root"] is None


def build_changed(rank, world_size, folder, dataset):
    from graphkit.distributed.files import PartitionFileError
    from graphkit.distributed.runtime import build_partition
    from graphkit.train.config import TrainConfig

    from graphkit.option_names import command_line_options

    config = TrainConfig(partitions=folder, dataset=dataset)
    try:
        with command_line_options():
            build_partition(config, rank, world_size)
    except PartitionFileError as error:
        return str(error), error.every_rank
    return None


@pytest.mark.distributed
def test_rank0_error_reaches_every_rank(graph, tmp_path):
    partition(tmp_path / "parts", parts=2)
    (graph / "edges.txt").write_text(EDGES + "1 3\n")
    results = run_world(
        build_changed, 2, str(tmp_path / "parts"), str(graph / "edges.txt")
    )
    (first, first_every), (second, second_every) = results
    assert first.startswith(f"the edge list {graph / 'edges.txt'} changed")
    assert second == (
        "rank 0 found that the dataset files or --dataset-options do not match "
        f"the partitions in {tmp_path / 'parts'}; see its error"
    )
    assert first_every
    assert second_every


class CountingRank(OneRank):
    """A one-rank communicator that records the all-reduces it joined."""

    def __init__(self):
        self.reduced = []

    def all_reduce(self, tensor, label):
        self.reduced.append(float(tensor.sum()))
        return tensor


def test_failed_check_reaches_all_reduce(graph, tmp_path):
    # A path of an unknown user cannot be expanded. Rank 0 must still join the
    # all-reduce, so the other ranks stop with it instead of waiting.
    partition(tmp_path / "parts")
    meta = json.loads((tmp_path / "parts" / "meta.json").read_text())
    options = {"features": "~no_such_user_graphkit/x.txt", "labels": "y.txt"}
    config = TrainConfig(
        partitions="parts", dataset="edges.txt", dataset_options=options
    )
    comm = CountingRank()
    with pytest.raises(Exception, match="checking the source of the partitions"):
        check_source(comm, meta, config, 0)
    assert comm.reduced == [1.0]
