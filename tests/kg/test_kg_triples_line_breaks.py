"""Triple files: only LF, CRLF and CR end a line, and separators are ASCII."""

import pytest

from graphkit.kg import KGFormatError, read_triples


def write_bytes(path, text):
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.mark.parametrize("character", ["\u2028", "\u2029", "\x85", "\x1e", "\x0c"])
def test_unicode_line_separator_stays_in_name(tmp_path, character):
    path = write_bytes(tmp_path / "g.tsv", f"a{character}x\tr\tb\nc\tr\td\n")
    named = read_triples(path)
    assert named.rows == [(f"a{character}x", "r", "b"), ("c", "r", "d")]
    assert named.lines == [1, 2]


def test_form_feed_line_keeps_numbering(tmp_path):
    path = write_bytes(tmp_path / "g.tsv", "a\tr\tb\n\x0c\nc\tr\n")
    with pytest.raises(KGFormatError, match=r"g\.tsv:3: expected 3 non-empty"):
        read_triples(path)


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_line_endings_number_rows(tmp_path, ending):
    path = write_bytes(tmp_path / "g.tsv", ending.join(["a\tr\tb", "", "c\tr\td", ""]))
    named = read_triples(path)
    assert named.rows == [("a", "r", "b"), ("c", "r", "d")]
    assert named.lines == [1, 3]


def test_trailing_tab_is_accepted(tmp_path):
    path = write_bytes(tmp_path / "g.tsv", "a\tr\tb\t\nc\tr\td \t\n")
    assert read_triples(path).rows == [("a", "r", "b"), ("c", "r", "d")]


def test_trailing_tab_does_not_hide_missing_tail(tmp_path):
    path = write_bytes(tmp_path / "g.tsv", "a\tr\tb\nc\tr\t\t\n")
    with pytest.raises(KGFormatError, match=r"g\.tsv:2: expected 3 non-empty"):
        read_triples(path)


def test_no_break_space_is_part_of_name(tmp_path):
    spaces = write_bytes(tmp_path / "g.txt", "New\xa0York  in USA\n")
    tabs = write_bytes(tmp_path / "g.tsv", "New\xa0York\tin\tUSA\xa0\n")
    assert read_triples(spaces).rows == [("New\xa0York", "in", "USA")]
    assert read_triples(tabs).rows == [("New\xa0York", "in", "USA\xa0")]


def test_invalid_byte_after_byte_order_mark_names_line(tmp_path):
    path = tmp_path / "g.tsv"
    path.write_bytes(b"\xef\xbb\xbfa\tr\tb\nc\tr\t\xff\n")
    with pytest.raises(KGFormatError, match=r"g\.tsv:2: not UTF-8 text .*0xff"):
        read_triples(path)


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(KGFormatError, match="is a folder, not a file"):
        read_triples(tmp_path)
