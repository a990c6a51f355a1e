"""A header row in a dataset folder's file gets a fix that dataset loading offers.

--header and header=True apply to single triple files only, so the warning for a file
of a dataset folder suggests removing the row instead.
"""

import logging

from graphkit.launch.cli import run

from graphkit.kg import load_dataset

from .test_kg_query_names import write_files

HEADER = "head\trelation\ttail"
ROWS = ["a\tr\tb", "b\tr\tc"]
FIX = (
    "it loads as a fact. Remove that row from the file, because the files of a "
    "dataset folder are read without a header option"
)


def header_warnings(caplog):
    return [
        r.getMessage()
        for r in caplog.records
        if "looks like a column header" in r.getMessage()
    ]


def test_dataset_header_warning_in_python(tmp_path, caplog):
    write_files(tmp_path / "toy", train=[HEADER, *ROWS], valid=[], test=ROWS[:1])
    with caplog.at_level(logging.WARNING):
        load_dataset(tmp_path, "toy")
    (message,) = header_warnings(caplog)
    assert message.startswith(f"{tmp_path / 'toy' / 'train.txt'}:1: the first row ")
    assert message.endswith(FIX)


def test_dataset_header_warning_on_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GRAPHKIT_TRACEBACK", raising=False)
    write_files(tmp_path / "toy", train=ROWS, valid=[], test=[HEADER, ROWS[0]])
    arguments = ["kg", "evaluate", "--checkpoint", str(tmp_path / "missing.pth")]
    run(arguments + ["--root", str(tmp_path), "--dataset", "toy"])
    lines = capsys.readouterr().err.splitlines()
    (message,) = [line for line in lines if "looks like a column header" in line]
    assert f"{tmp_path / 'toy' / 'test.txt'}:1: the first row " in message
    assert message.endswith(FIX)
