"""The triple reader accepts the delimiter names and checks of the edge-list reader."""

import pytest

from graphkit.kg import KGFormatError
from graphkit.kg.io import read_triples


def test_tab_name_splits_at_tabs(tmp_path):
    # A space inside a name stays, because only the tab separates columns.
    path = tmp_path / "triples.txt"
    path.write_text("New York\tcity of\tUSA\n")
    for name in ("tab", "TAB"):
        assert read_triples(path, delimiter=name).rows == [
            ("New York", "city of", "USA")
        ]


def test_space_name_splits_at_spaces(tmp_path):
    # The first row contains a tab, which automatic detection would choose.
    path = tmp_path / "triples.txt"
    path.write_text("a r\tb\nc  r d\n")
    rows = read_triples(path, delimiter="space").rows
    assert rows == [("a", "r", "b"), ("c", "r", "d")]


@pytest.mark.parametrize(
    ("delimiter", "message"),
    [
        (
            "",
            (
                "delimiter must be a non-empty string such as ';', got ''. Pass None "
                "to detect it per file (comma for .csv, else tab when the first row "
                "has one, else whitespace)"
            ),
        ),
        ("\\t", "delimiter '\\\\t' is a backslash and a letter"),
    ],
)
def test_invalid_delimiter_error_names_file(tmp_path, delimiter, message):
    path = tmp_path / "triples.txt"
    path.write_text("a\tr\tb\n")
    with pytest.raises(KGFormatError) as caught:
        read_triples(path, delimiter=delimiter)
    assert str(caught.value).startswith(f"{path}: {message}")
