"""``graphkit partition --out``: no silent overwrite, and no half-written folder."""

import json
import os
from pathlib import Path

import pytest
from graphkit.distributed import files, partition
from graphkit.launch.cli import main, run
from graphkit.launch.cmd_partition import write_folder_atomically

SMALL_GRAPH = ["--dataset-options", "{num_nodes: 200, avg_degree: 4, num_features: 4}"]


def _partition(out, *extra: str) -> int:
    return main(["partition", *SMALL_GRAPH, "--parts", "2", "--out", str(out), *extra])


def _siblings(out):
    return sorted(path.name for path in out.parent.iterdir() if path != out)


def test_new_folder_written(tmp_path):
    out = tmp_path / "parts" / "synthetic-2"
    assert _partition(out) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "meta.json",
        "part-0000.pt",
        "part-0001.pt",
    ]
    assert json.loads((out / "meta.json").read_text())["num_parts"] == 2
    assert _siblings(out) == []  # the temporary folder is gone


def test_empty_folder_accepted(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    assert _partition(out) == 0
    assert (out / "meta.json").is_file()


def test_non_empty_folder_rejected(tmp_path):
    out = tmp_path / "parts"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError, match="--overwrite") as error:
        _partition(out)
    assert f"--out {out} already contains files" in str(error.value)
    assert "choose another --out folder" in str(error.value)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_overwrite_replaces_contents(tmp_path):
    out = tmp_path / "parts"
    out.mkdir()
    (out / "meta.json").write_text('{"num_parts": 7}')
    (out / "notes.txt").write_text("stale")
    assert _partition(out, "--overwrite") == 0
    assert not (out / "notes.txt").exists()
    assert (out / "part-0001.pt").is_file()
    assert json.loads((out / "meta.json").read_text())["num_parts"] == 2
    assert _siblings(out) == []


@pytest.mark.parametrize("count", [1, 5])
def test_overwrite_non_partition_folder_rejected(tmp_path, count):
    # A folder without meta.json (the home folder, a folder of several partition
    # folders) is never emptied, even with --overwrite.
    out = tmp_path / "parts"
    out.mkdir()
    names = [f"cora-{index}" for index in range(count)]
    for name in names:
        (out / name).mkdir()
    with pytest.raises(ValueError) as error:
        _partition(out, "--overwrite")
    listed = "cora-0" if count == 1 else "cora-0, cora-1, cora-2, ..."
    assert str(error.value) == (
        f"--out {out} is not a partition folder (it has no meta.json but contains "
        f"{listed}), and --overwrite only replaces a folder written by graphkit "
        "partition. Choose a new --out folder, or empty this one yourself"
    )
    assert sorted(p.name for p in out.iterdir()) == names
    assert _siblings(out) == []


def test_file_as_out_rejected(tmp_path):
    out = tmp_path / "parts"
    out.write_text("")
    with pytest.raises(ValueError, match="is a file, not a folder"):
        _partition(out, "--overwrite")


def test_console_error_one_line(tmp_path, capsys):
    from graphkit.launch.cli import run

    out = tmp_path / "parts"
    out.mkdir()
    (out / "meta.json").write_text("{}")
    assert run(["partition", "--parts", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"graphkit partition: error: --out {out} already contains")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("existing", [False, True])
def test_interrupted_run_leaves_no_folder(tmp_path, monkeypatch, existing):
    """A failure after the first partition file leaves --out exactly as it was."""
    original = files.partition_payloads

    def fail_after_first(*args, **kwargs):
        for index, item in enumerate(original(*args, **kwargs)):
            if index == 1:
                raise KeyboardInterrupt
            yield item

    monkeypatch.setattr(files, "partition_payloads", fail_after_first)
    out = tmp_path / "parts"
    if existing:
        out.mkdir()
        (out / "meta.json").write_text('{"num_parts": 7}')
    with pytest.raises(KeyboardInterrupt):
        _partition(out, "--overwrite")
    if existing:
        assert sorted(p.name for p in out.iterdir()) == ["meta.json"]
        assert json.loads((out / "meta.json").read_text()) == {"num_parts": 7}
    else:
        assert not out.exists()
    assert _siblings(out) == []


def test_folder_mode_follows_umask(tmp_path):
    out = tmp_path / "parts"
    assert _partition(out) == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask


@pytest.mark.parametrize("overwrite", [False, True])
def test_symlinked_out_writes_into_target(tmp_path, overwrite):
    # Renaming the link itself would put the partitions beside the link and leave the
    # link, still pointing at the old target, behind as a hidden sibling.
    target = tmp_path / "scratch" / "parts"
    target.mkdir(parents=True)
    if overwrite:
        (target / "meta.json").write_text('{"num_parts": 7}')
        (target / "notes.txt").write_text("stale")
    link = tmp_path / "home" / "parts"
    link.parent.mkdir()
    link.symlink_to(target, target_is_directory=True)
    assert _partition(link, *(["--overwrite"] if overwrite else [])) == 0
    assert link.is_symlink()
    assert sorted(p.name for p in target.iterdir()) == [
        "meta.json",
        "part-0000.pt",
        "part-0001.pt",
    ]
    assert sorted(p.name for p in link.parent.iterdir()) == ["parts"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["parts"]


def test_dangling_symlinked_out_creates_target(tmp_path):
    target = tmp_path / "scratch" / "parts"
    link = tmp_path / "parts"
    link.symlink_to(target, target_is_directory=True)
    assert _partition(link) == 0
    assert link.is_symlink()
    assert (target / "meta.json").is_file()


def test_current_folder_as_out(tmp_path, monkeypatch):
    # "." names no sibling to rename; the resolved path does.
    out = tmp_path / "parts"
    out.mkdir()
    (out / "meta.json").write_text('{"num_parts": 7}')
    (out / "notes.txt").write_text("stale")
    monkeypatch.chdir(out)
    assert _partition(".", "--overwrite") == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "meta.json",
        "part-0000.pt",
        "part-0001.pt",
    ]
    assert _siblings(out) == []


def test_failed_final_rename_restores_old_folder(tmp_path, monkeypatch):
    # The old folder is moved aside first, so a failure of the second rename must move
    # it back instead of leaving --out missing.
    out = tmp_path / "parts"
    out.mkdir()
    (out / "meta.json").write_text('{"num_parts": 7}')
    rename = Path.rename

    def fail_temporary_rename(self, target):
        if self.name.endswith(".tmp"):
            raise OSError(28, "No space left on device")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", fail_temporary_rename)
    with pytest.raises(OSError):
        write_folder_atomically(out, lambda folder: (folder / "meta.json").write_text("{}"))
    assert sorted(p.name for p in out.iterdir()) == ["meta.json"]
    assert json.loads((out / "meta.json").read_text()) == {"num_parts": 7}
    assert _siblings(out) == []


def test_zero_parts_rejected(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GRAPHKIT_TRACEBACK", raising=False)
    out = tmp_path / "parts"
    assert run(["partition", *SMALL_GRAPH, "--parts", "0", "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        "graphkit partition: error: --parts must be at least 1, got 0\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_folder_filled_during_run_kept(tmp_path, monkeypatch):
    # Another process writes into --out while this one partitions.
    out = tmp_path / "parts"
    original = partition.partition_nodes

    def partition_while_other_writes(*args, **kwargs):
        out.mkdir()
        (out / "meta.json").write_text('{"num_parts": 7}')
        return original(*args, **kwargs)

    monkeypatch.setattr(partition, "partition_nodes", partition_while_other_writes)
    with pytest.raises(ValueError, match="already contains files"):
        _partition(out)
    assert json.loads((out / "meta.json").read_text()) == {"num_parts": 7}
    assert sorted(p.name for p in out.iterdir()) == ["meta.json"]
    assert _siblings(out) == []
