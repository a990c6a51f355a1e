"""A row that the detected separator cannot split names the separator that would."""

import pytest
import torch
from graphkit.launch.cli import run

from graphkit.kg import KGFormatError, Ultra, load_graph
from graphkit.kg.io import load_dataset

COMMA_HINT = (
    ". The row has 3 comma-separated columns, but only a file named .csv is read as "
    "comma-separated. "
)


def error_message(path, **options) -> str:
    with pytest.raises(KGFormatError) as caught:
        load_graph(path, **options)
    return str(caught.value)


def test_comma_txt_file_python(tmp_path):
    path = tmp_path / "triples.txt"
    path.write_text("a,r,b\nb,r,c\n")
    message = error_message(path)
    assert message == (
        f"{path}:1: expected 3 non-empty columns (head, relation, tail) separated by "
        f"' ', found 1: ['a,r,b']{COMMA_HINT}Rename the file to .csv or pass "
        "delimiter=','"
    )


def test_comma_txt_file_command_line(tmp_path, capsys):
    graph = tmp_path / "triples.txt"
    graph.write_text("Paris,capital_of,France\n")
    checkpoint = tmp_path / "model.pth"
    torch.manual_seed(0)
    Ultra(dim=4, num_layers=1).save(checkpoint)
    argv = ["kg", "predict", "--checkpoint", str(checkpoint), "--graph", str(graph)]
    code = run(argv + ["--head", "Paris", "--relation", "capital_of"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{COMMA_HINT}Rename the file to .csv\n" in err
    assert "delimiter=" not in err


def test_comma_dataset_file(tmp_path):
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "train.txt").write_text("a,r,b\nb,r,c\n")
    (folder / "valid.txt").write_text("")
    (folder / "test.txt").write_text("a\tr\tc\n")
    with pytest.raises(KGFormatError) as caught:
        load_dataset(tmp_path, "tiny")
    message = str(caught.value)
    assert message.startswith(f"{folder / 'train.txt'}:1: expected 3 non-empty")
    assert message.endswith(
        f"{COMMA_HINT}Replace the commas with tabs, because the files of a dataset "
        "folder are read without a delimiter option"
    )


def test_tab_row_below_space_row(tmp_path):
    path = tmp_path / "triples.txt"
    path.write_text("Paris in France\nNew York\tin\tUSA\n")
    message = error_message(path)
    assert message.startswith(f"{path}:2: expected 3 non-empty")
    assert message.endswith(
        ". The row contains tabs, but the first row has none, so the file is read as "
        "separated by spaces. Separate the columns of every row with tabs"
    )


def test_space_row_below_tab_row(tmp_path):
    path = tmp_path / "triples.txt"
    path.write_text("Paris\tin\tFrance\nRome in Italy\n")
    message = error_message(path)
    assert message.startswith(f"{path}:2: expected 3 non-empty")
    assert message.endswith(
        ". The row is separated by spaces, but the first row contains a tab, so every "
        "row is split at tabs. Separate the columns of every row with tabs"
    )


def test_names_with_spaces(tmp_path):
    path = tmp_path / "triples.txt"
    path.write_text("New York in USA\n")
    message = error_message(path)
    assert message.endswith(
        ". A name that contains spaces needs tab-separated rows (or a .csv file), "
        "because the first row has no tab and spaces separate the columns"
    )


def test_given_delimiter_gets_no_hint(tmp_path):
    path = tmp_path / "triples.txt"
    path.write_text("a,r,b\n")
    message = error_message(path, delimiter=" ")
    assert message.endswith("found 1: ['a,r,b']")


def test_other_short_row_gets_no_hint(tmp_path):
    path = tmp_path / "triples.tsv"
    path.write_text("a\tr\tb\nc\tr\n")
    message = error_message(path)
    assert message.endswith("found 2: ['c', 'r']")
