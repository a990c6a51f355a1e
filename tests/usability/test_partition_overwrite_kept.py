"""``graphkit partition --overwrite`` keeps subfolders and training runs in ``--out``."""

import json

import pytest
from graphkit.launch.cli import main

SMALL_GRAPH = ["--dataset-options", "{num_nodes: 200, avg_degree: 4, num_features: 4}"]


def _partition(out, *extra: str) -> int:
    return main(["partition", *SMALL_GRAPH, "--parts", "2", "--out", str(out), *extra])


def _old_partition_folder(tmp_path):
    out = tmp_path / "parts"
    out.mkdir()
    (out / "meta.json").write_text('{"num_parts": 7}')
    (out / "part-0000.pt").write_bytes(b"old")
    return out


def test_overwrite_keeps_run_subfolder(tmp_path):
    out = _old_partition_folder(tmp_path)
    run = out / "run1"
    run.mkdir()
    (run / "checkpoint_000010.pt").write_bytes(b"weights")
    with pytest.raises(ValueError) as error:
        _partition(out, "--overwrite")
    assert str(error.value).startswith(
        f"--out {out} contains run1, which --overwrite would delete"
    )
    assert "Move them out of" in str(error.value)
    assert (run / "checkpoint_000010.pt").read_bytes() == b"weights"
    assert json.loads((out / "meta.json").read_text()) == {"num_parts": 7}
    assert (out / "part-0000.pt").read_bytes() == b"old"


@pytest.mark.parametrize(
    "name", ["metrics.jsonl", "best_model.pt", "checkpoint_000002.pt"]
)
def test_overwrite_keeps_train_outputs(tmp_path, name):
    # A training run whose --out is the partition folder writes these next to it.
    out = _old_partition_folder(tmp_path)
    (out / name).write_bytes(b"run")
    with pytest.raises(ValueError, match=f"contains {name}, which --overwrite"):
        _partition(out, "--overwrite")
    assert (out / name).read_bytes() == b"run"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["meta.json", "part-0000.pt", name]
    )


def test_overwrite_lists_first_three_kept(tmp_path):
    out = _old_partition_folder(tmp_path)
    for name in ("a", "b", "c", "d"):
        (out / name).mkdir()
    with pytest.raises(ValueError, match=r"contains a, b, c, \.\.\., which"):
        _partition(out, "--overwrite")


def test_overwrite_replaces_loose_files(tmp_path):
    out = _old_partition_folder(tmp_path)
    (out / "notes.txt").write_text("stale")
    assert _partition(out, "--overwrite") == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "meta.json",
        "part-0000.pt",
        "part-0001.pt",
    ]


EDGES = "0 1\n1 2\n2 3\n3 0\n0 2\n"


@pytest.mark.parametrize("relative_to_root", [False, True])
def test_overwrite_keeps_input_edge_list(tmp_path, relative_to_root):
    out = _old_partition_folder(tmp_path)
    edges = out / "edges.txt"
    edges.write_text(EDGES)
    dataset = ["--dataset", str(edges)]
    if relative_to_root:
        dataset = ["--dataset", "edges.txt", "--root", str(out)]
    argv = ["partition", *dataset, "--parts", "2", "--out", str(out), "--overwrite"]
    with pytest.raises(ValueError) as error:
        main(argv)
    assert "is a file inside --out" in str(error.value)
    assert "the input file would be deleted" in str(error.value)
    assert edges.read_text() == EDGES
    assert (out / "part-0000.pt").read_bytes() == b"old"


def test_overwrite_keeps_dataset_options_labels(tmp_path):
    out = _old_partition_folder(tmp_path)
    edges = tmp_path / "edges.txt"
    edges.write_text(EDGES)
    labels = out / "labels.txt"
    labels.write_text("0 0\n1 1\n2 0\n3 1\n")
    argv = ["partition", "--dataset", str(edges), "--parts", "2", "--out", str(out)]
    argv += ["--overwrite", "--dataset-options", f"{{labels: {labels}}}"]
    with pytest.raises(ValueError) as error:
        main(argv)
    assert str(error.value).startswith(
        f"--dataset-options labels {labels} is a file inside --out {out}"
    )
    assert labels.read_text() == "0 0\n1 1\n2 0\n3 1\n"


def test_overwrite_rejects_folder_of_running_training(tmp_path):
    # A graphkit train run with this --out holds a flock on the folder until it ends,
    # and before its first epoch ends the folder has no metrics.jsonl yet.
    import fcntl
    import os

    out = _old_partition_folder(tmp_path)
    descriptor = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ValueError) as error:
            _partition(out, "--overwrite")
    finally:
        os.close(descriptor)
    assert str(error.value).startswith(
        f"--out {out} is the --out folder of a graphkit train process that is still "
        "running"
    )
    assert (out / "part-0000.pt").read_bytes() == b"old"
    assert _partition(out, "--overwrite") == 0
    assert json.loads((out / "meta.json").read_text())["num_parts"] == 2
