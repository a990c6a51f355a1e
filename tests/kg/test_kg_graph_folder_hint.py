"""A dataset folder passed as a triple file gets a fix in the caller's terms.

On the command line the error names the folder's train.txt. In Python it also
suggests load_dataset, which the command line does not have.
"""

import pytest
from graphkit.launch.cli import run

from graphkit.kg import KGFormatError, read_triples

from .test_kg_query_names import write_files

ROWS = ["a\tr\tb", "b\tr\tc"]


def test_folder_as_graph_on_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GRAPHKIT_TRACEBACK", raising=False)
    folder = tmp_path / "toy"
    write_files(folder, train=ROWS, valid=ROWS[:1], test=ROWS[1:])
    arguments = ["kg", "predict", "--checkpoint", str(tmp_path / "model.pth")]
    arguments += ["--graph", str(folder), "--head", "a", "--relation", "r"]
    assert run(arguments) == 2
    error = capsys.readouterr().err.strip()
    assert error == (
        f"graphkit kg predict: error: {folder}: is a folder, not a file; pass a TSV/CSV "
        f"file of head, relation, tail rows, such as {folder / 'train.txt'}, the folder's "
        "training facts"
    )


def test_folder_as_file_in_python(tmp_path):
    folder = tmp_path / "toy"
    write_files(folder, train=ROWS, valid=ROWS[:1], test=ROWS[1:])
    message = (
        f"is a folder, not a file; pass a TSV/CSV file of head, relation, tail rows, "
        f"such as {folder / 'train.txt'}, the folder's training facts, or load the "
        f"folder with load_dataset({str(tmp_path)!r}, 'toy')"
    )
    with pytest.raises(KGFormatError) as caught:
        read_triples(folder)
    assert str(caught.value).endswith(message)


def test_folder_without_train_file(tmp_path):
    with pytest.raises(KGFormatError) as caught:
        read_triples(tmp_path)
    assert str(caught.value).endswith(
        "is a folder, not a file; pass a TSV/CSV file of head, relation, tail rows"
    )
