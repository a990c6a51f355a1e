"""``--json`` and other output paths are checked before the work and written atomically."""

import json
import os
import sys
import types
from dataclasses import dataclass

import pytest
from graphkit.extras import registry
from graphkit.launch import cmd_analyze
from graphkit.launch.cli import main
from graphkit.launch.outputs import (
    check_output_file,
    check_output_folder_path,
    write_atomically,
)

from graphkit.metrics import report


@dataclass
class _ToyConfig:
    epochs: int = 3

    @classmethod
    def smoke(cls) -> "_ToyConfig":
        return cls(epochs=1)


@pytest.fixture
def toy_calls(monkeypatch):
    """Register experiment ``toy_outputs``; the returned list grows by one per run."""
    calls = []
    module = types.ModuleType("graphkit_toy_outputs")
    module.Config = _ToyConfig
    module.criteria = lambda metrics: [
        registry.at_least("score", metrics["score"], 2.0)
    ]
    monkeypatch.setitem(sys.modules, module.__name__, module)

    def run(config):
        calls.append(config)
        return {"score": float(config.epochs)}

    run.__module__ = module.__name__
    module.run = registry.register("toy_outputs", "Toy", "toy summary", 99)(run)
    yield calls
    registry._REGISTRY.pop("toy_outputs", None)


def test_extras_missing_folder_before_run(toy_calls, tmp_path):
    target = tmp_path / "missing" / "r.json"
    with pytest.raises(ValueError, match=f"folder {target.parent} does not exist"):
        main(["extras", "run", "toy_outputs", "--json", str(target)])
    assert toy_calls == []


def test_extras_file_as_folder_before_run(toy_calls, tmp_path):
    parent = tmp_path / "notes.txt"
    parent.write_text("kept\n")
    target = parent / "r.json"
    with pytest.raises(ValueError) as caught:
        main(["extras", "run", "toy_outputs", "--json", str(target)])
    assert str(caught.value) == (
        f"--json {target}: {parent} is a file, not a folder. Choose another path"
    )
    assert toy_calls == []
    assert parent.read_text() == "kept\n"


def test_extras_directory_path_before_run(toy_calls, tmp_path):
    with pytest.raises(ValueError, match=f"--markdown {tmp_path} is a directory"):
        main(["extras", "run", "toy_outputs", "--markdown", str(tmp_path)])
    assert toy_calls == []


def test_extras_json_written_whole(toy_calls, tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old")
    assert main(["extras", "run", "toy_outputs", "--json", str(target)]) == 0
    assert len(toy_calls) == 1
    assert json.loads(target.read_text())["experiments"][0]["metrics"] == {"score": 3.0}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


@pytest.fixture
def edge_files(tmp_path):
    edges, labels = tmp_path / "toy.txt", tmp_path / "toy_labels.txt"
    edges.write_text("a b\nb c\n")
    labels.write_text("a 0\nb 0\nc 1\n")
    return edges, labels


@pytest.mark.parametrize("option", ["--json", "--csv"])
def test_analyze_checks_before_loading(
    edge_files, tmp_path, monkeypatch, capsys, option
):
    def fail(*args, **kwargs):
        raise AssertionError(
            "the edge list was read before the output path was checked"
        )

    monkeypatch.setattr(cmd_analyze, "_read_edge_list", fail)
    edges, labels = edge_files
    target = tmp_path / "no" / "such" / "r.out"
    code = main(["analyze", "--edge-list", str(edges), "--labels", str(labels), option,
                 str(target)])  # fmt: skip
    assert code == 2
    assert f"{option} {target}: folder {target.parent} does not exist" in (
        capsys.readouterr().err
    )


def test_analyze_plot_file_rejected(edge_files, tmp_path, capsys):
    edges, labels = edge_files
    code = main(["analyze", "--edge-list", str(edges), "--labels", str(labels), "--plot",
                 str(labels)])  # fmt: skip
    assert code == 2
    assert f"--plot {labels} is a file" in capsys.readouterr().err


def test_analyze_failed_write_keeps_old_file(edge_files, tmp_path, monkeypatch):
    def write_half(summaries, path):
        with open(path, "w") as handle:
            handle.write('[{"name": ')
        raise OSError("No space left on device")

    # cmd_analyze imports write_json when the command runs, so patch it at its source.
    monkeypatch.setattr(report, "write_json", write_half)
    edges, labels = edge_files
    target = tmp_path / "r.json"
    target.write_text("[]\n")
    code = main(["analyze", "--edge-list", str(edges), "--labels", str(labels), "--json",
                 str(target)])  # fmt: skip
    assert code == 2
    assert target.read_text() == "[]\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_atomic_write_uses_umask_mode(tmp_path):
    target = tmp_path / "out.txt"
    write_atomically(target, lambda path: path.write_text("x"))
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to any folder")
def test_unwritable_folder_rejected(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    with pytest.raises(ValueError, match=f"folder {folder} is not writable"):
        check_output_file(folder / "r.json", "--json")


def test_folder_without_write_access_rejected(tmp_path, monkeypatch):
    # The chmod test above is skipped for root, which passes every permission check,
    # so this one stubs os.access to run everywhere.
    from graphkit.launch import outputs

    requested = []

    def no_access(path, mode):
        requested.append((path, mode))
        return False

    monkeypatch.setattr(outputs.os, "access", no_access)
    with pytest.raises(ValueError, match=f"folder {tmp_path} is not writable"):
        check_output_file(tmp_path / "r.json", "--json")
    assert requested == [(tmp_path, os.W_OK | os.X_OK)]


def _rejection_message(check, path, option) -> str:
    """Return the ValueError message that ``check(path, option)`` raises."""
    with pytest.raises(ValueError) as info:
        check(path, option)
    return str(info.value)


def test_dangling_link_checks_target_folder(tmp_path):
    # The atomic write replaces the link's target, so the target's folder must exist.
    link = tmp_path / "result.json"
    link.symlink_to(tmp_path / "missing" / "result.json")
    assert _rejection_message(check_output_file, link, "--json") == (
        f"--json {link}: folder {tmp_path / 'missing'} does not exist. Create it first "
        "or choose another path"
    )


def test_out_below_a_file_rejected(tmp_path):
    (tmp_path / "notes.txt").write_text("")
    out = tmp_path / "notes.txt" / "run" / "seed0"
    assert _rejection_message(check_output_folder_path, out, "--out") == (
        f"--out {out}: {tmp_path / 'notes.txt'} is a file, not a folder. Choose another "
        "--out folder"
    )


def test_out_below_existing_folders_accepted(tmp_path):
    check_output_folder_path(tmp_path / "runs" / "seed0", "--out")
    assert list(tmp_path.iterdir()) == []
