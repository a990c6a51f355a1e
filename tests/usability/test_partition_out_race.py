"""Two ``graphkit partition`` runs into one new ``--out``: the later keeps the other's."""

import json

import pytest
from graphkit.distributed import files
from graphkit.launch.cli import main
from graphkit.launch.cmd_partition import write_folder_atomically

SMALL_GRAPH = ["--dataset-options", "{num_nodes: 200, avg_degree: 4, num_features: 4}"]


def _fill_out_meanwhile(out):
    """Return a writer that fills ``out`` as a second run would, then writes its own."""

    def write(folder):
        out.mkdir(exist_ok=True)
        (out / "meta.json").write_text('{"num_parts": 7}')
        (folder / "meta.json").write_text('{"num_parts": 2}')
        return {"parts": 2}

    return write


def test_filled_out_kept_without_overwrite(tmp_path):
    out = tmp_path / "parts"
    with pytest.raises(ValueError) as caught:
        write_folder_atomically(out, _fill_out_meanwhile(out), overwrite=False)
    assert str(caught.value).startswith(
        f"--out {out} was filled by another process while this one worked"
    )
    assert "Pass --overwrite to replace them" in str(caught.value)
    assert json.loads((out / "meta.json").read_text()) == {"num_parts": 7}
    assert [p.name for p in tmp_path.iterdir()] == ["parts"]


def test_filled_out_replaced_with_overwrite(tmp_path):
    out = tmp_path / "parts"
    assert write_folder_atomically(out, _fill_out_meanwhile(out)) == {"parts": 2}
    assert json.loads((out / "meta.json").read_text()) == {"num_parts": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["parts"]


def test_empty_out_still_accepted(tmp_path):
    out = tmp_path / "parts"
    out.mkdir()

    def write(folder):
        (folder / "meta.json").write_text("{}")
        return {}

    assert write_folder_atomically(out, write, overwrite=False) == {}
    assert [p.name for p in out.iterdir()] == ["meta.json"]


def test_command_keeps_other_run(tmp_path, monkeypatch):
    out = tmp_path / "parts"
    original = files.write_partitions

    def write_after_other_run(data, parts, num_parts, folder, info=None):
        out.mkdir(exist_ok=True)
        (out / "meta.json").write_text('{"num_parts": 7}')
        return original(data, parts, num_parts, folder, info)

    monkeypatch.setattr(files, "write_partitions", write_after_other_run)
    argv = ["partition", *SMALL_GRAPH, "--parts", "2", "--out", str(out)]
    with pytest.raises(ValueError, match="was filled by another process"):
        main(argv)
    assert [p.name for p in out.iterdir()] == ["meta.json"]
    assert json.loads((out / "meta.json").read_text()) == {"num_parts": 7}
    assert [p.name for p in tmp_path.iterdir()] == ["parts"]
