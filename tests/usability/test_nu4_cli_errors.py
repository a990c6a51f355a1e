"""Common command-line slips end with one error line that names the closest valid name."""

import pytest

from graphkit.datasets import list_datasets, load_asymproj
from graphkit.datasets.errors import UnknownDatasetError
from graphkit.distributed.files import PartitionFileError, check_world_size
from graphkit.kg.io import load_dataset as load_kg_dataset
from graphkit.launch import cli


def _one_error_line(capsys) -> str:
    """Return the one stderr line that is not an INFO log record."""
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if " INFO " not in line]
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


def _write_cora_under_graphs(root) -> None:
    """Create empty Planetoid Cora raw files under ``root/graphs``, not under ``root``."""
    raw = root / "graphs" / "planetoid" / "Cora" / "raw"
    raw.mkdir(parents=True)
    for suffix in ("x", "tx", "allx", "y", "ty", "ally", "graph", "test.index"):
        (raw / f"ind.cora.{suffix}").touch()


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["trian"], "graphkit: error: unknown command 'trian' (did you mean 'train'?)"),
        (
            ["kg", "evalute", "--checkpoint", "x"],
            "graphkit kg: error: unknown command 'evalute' (did you mean 'evaluate'?)",
        ),
        (["isvd", "nodeclas"], "(did you mean 'nodeclass'?)"),
        (
            ["zzz"],
            "graphkit: error: unknown command 'zzz'; choose from train, partition",
        ),
    ],
)
def test_command_typo_one_line(capsys, argv, expected):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    line = _one_error_line(capsys)
    assert expected in line
    assert "usage:" not in line


def test_command_check_passes_valid_words():
    parser = cli.build_parser()
    # Words after a command without sub-commands are that command's own arguments.
    assert cli._check_command_words(parser, ["extras", "run", "mfqta"]) is None
    assert cli._check_command_words(parser, ["kg", "evaluate", "--root", "x"]) is None
    assert cli._check_command_words(parser, ["--help"]) is None


@pytest.mark.parametrize(
    "name, close",
    [("coar", "cora"), ("Texs", "texas"), ("chameleon_filterd", "chameleon-filtered")],
)
def test_dataset_typo_names_close_match(name, close):
    error = UnknownDatasetError(name, list_datasets())
    assert (
        f"unknown dataset {name!r} (did you mean {close!r}?); known datasets:"
        in str(error)
    )


def test_dataset_without_close_match():
    message = str(UnknownDatasetError("xyz", list_datasets()))
    assert message.startswith("unknown dataset 'xyz'; known datasets: actor,")
    assert "did you mean" not in message


def test_train_dataset_typo_one_line(capsys):
    assert cli.run(["train", "--dataset", "coar", "--epochs", "1"]) == 2
    line = _one_error_line(capsys)
    assert line.startswith(
        "graphkit train: error: unknown dataset 'coar' (did you mean"
    )


def test_kg_folder_typo(tmp_path):
    (tmp_path / "fb237_v1").mkdir()
    with pytest.raises(
        FileNotFoundError, match=r"not found \(did you mean 'fb237_v1'\?\)"
    ):
        load_kg_dataset(tmp_path, "fb237_v11")


def test_asymproj_typo(tmp_path):
    with pytest.raises(ValueError, match=r"'ca-HepT' \(did you mean 'ca-HepTh'\?\)"):
        load_asymproj("ca-HepT", tmp_path)
    # A known name in another case still reaches the file check.
    with pytest.raises(FileNotFoundError, match="'ca-HepTh' not found under") as info:
        load_asymproj("CA-HEPTH", tmp_path)
    # graphkit train cannot load AsymProj splits, so the hint names the Python call only.
    assert "load_asymproj('ca-HepTh', root, download=True)" in str(info.value)
    assert "graphkit train" not in str(info.value)


def test_extras_experiment_typo():
    from graphkit.extras import registry

    with pytest.raises(KeyError, match=r"'mfqta' \(did you mean 'mfqat'\?\)"):
        registry.get("mfqta")


def test_world_size_error_every_rank():
    with pytest.raises(PartitionFileError) as info:
        check_world_size({"num_parts": 2}, 3, "parts/cora-2")
    assert info.value.every_rank
    message = str(info.value)
    assert "contains 2 partitions but the world size is 3" in message
    assert "torchrun --nproc_per_node=2, or mpiexec -n 2" in message
    assert "re-partition with --parts 3" in message
    assert not PartitionFileError("part-0001.pt is corrupted").every_rank


@pytest.mark.parametrize("rank, printed", [("0", True), ("1", False), ("2", False)])
def test_every_rank_error_printed_once(monkeypatch, capsys, rank, printed):
    def fail(argv):
        check_world_size({"num_parts": 2}, 3, "parts/cora-2")

    monkeypatch.setattr(cli, "main", fail)
    monkeypatch.setenv("RANK", rank)
    monkeypatch.setenv("WORLD_SIZE", "3")
    assert cli.run(["train"]) == 2
    err = capsys.readouterr().err
    assert ("contains 2 partitions" in err) == printed
    assert err.count("\n") == int(printed)


def test_stray_rank_without_group_still_prints(monkeypatch, capsys):
    # RANK left in a shell for another reason, with no launcher world size above 1:
    # the process runs alone, so it must print its error.
    from graphkit.launch.logs import SIZE_VARIABLES

    def fail(argv):
        check_world_size({"num_parts": 2}, 1, "parts/cora-2")

    for name in SIZE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cli, "main", fail)
    monkeypatch.setenv("RANK", "2")
    assert cli.run(["train"]) == 2
    assert "contains 2 partitions but the world size is 1" in capsys.readouterr().err


def test_rank_specific_error_printed_on_every_rank(monkeypatch, capsys):
    def fail(argv):
        raise PartitionFileError("parts/part-0001.pt is corrupted")

    monkeypatch.setattr(cli, "main", fail)
    monkeypatch.setenv("RANK", "1")
    assert cli.run(["train"]) == 2
    assert "part-0001.pt is corrupted" in capsys.readouterr().err


def test_folder_mismatch_errors_every_rank():
    from types import SimpleNamespace

    from graphkit.distributed.runtime import check_dataset, check_split

    config = SimpleNamespace(partitions="parts/ch-2", dataset="cora", split=3)
    with pytest.raises(
        PartitionFileError, match="partitions of dataset 'chameleon'"
    ) as info:
        check_dataset({"dataset": "chameleon"}, config)
    assert info.value.every_rank
    with pytest.raises(PartitionFileError, match="contains split 0 only") as info:
        check_split({"split": 0}, config, mask_dim=1)
    assert info.value.every_rank


def test_root_above_graphs_named(tmp_path):
    from graphkit.datasets import DatasetNotFoundError, load_dataset

    _write_cora_under_graphs(tmp_path)
    with pytest.raises(DatasetNotFoundError) as info:
        load_dataset("cora", root=tmp_path)
    assert f"{tmp_path / 'graphs'} contains them, so pass that folder as root" in str(
        info.value
    )


def test_root_above_graphs_names_flag(tmp_path):
    # On the command line the hint names the --root flag, not the Python argument.
    from graphkit.datasets import DatasetNotFoundError, load_dataset

    from graphkit.option_names import command_line_options

    _write_cora_under_graphs(tmp_path)
    with command_line_options(), pytest.raises(DatasetNotFoundError) as info:
        load_dataset("cora", root=tmp_path)
    expected = f"{tmp_path / 'graphs'} contains them, so pass that folder as --root."
    assert expected in str(info.value)


def test_missing_root_names_graphs_folder(monkeypatch):
    from graphkit.datasets import DatasetNotFoundError, load_dataset

    monkeypatch.delenv("GRAPHKIT_DATA", raising=False)
    with pytest.raises(
        DatasetNotFoundError, match="GRAPHKIT_DATA to the graphs/ folder"
    ):
        load_dataset("cora")


@pytest.mark.parametrize(
    "argv, expected",
    [
        (
            ["train", "--epochs", "abc"],
            "graphkit train: error: argument --epochs: invalid int value: 'abc'. "
            "See graphkit train --help",
        ),
        (
            ["partition", "--dataset", "cora"],
            "graphkit partition: error: the following arguments are required: --parts, "
            "--out. See graphkit partition --help",
        ),
        (
            ["kg", "predict", "--checkpoint", "x", "--graph", "y", "--relation", "r"],
            "graphkit kg predict: error: one of the arguments --head --tail is required",
        ),
    ],
)
def test_usage_error_one_line(capsys, argv, expected):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    line = _one_error_line(capsys)
    assert line.startswith(expected)


@pytest.mark.parametrize("text", ["{num_nodes: [1", "[1]"])
def test_partition_invalid_options_one_line(capsys, text):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(
            ["partition", "--parts", "2", "--out", "unused", "--dataset-options", text]
        )
    assert exit_info.value.code == 2
    line = _one_error_line(capsys)
    assert line.startswith(
        "graphkit partition: error: argument --dataset-options: expected a mapping like"
    )
