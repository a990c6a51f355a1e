"""Atomic writes to a valid name of 250 bytes, near Linux's 255-byte limit.

The temporary sibling ``.NAME.RANDOM.tmp`` adds 18 bytes, so it exceeded the limit and
the write failed with "File name too long" after the whole run, although the output
check before the run had passed.
"""

import os
import re

from graphkit.atomic_files import (
    temporary_stem,
    write_atomically,
    write_text_atomically,
)
from graphkit.launch.cmd_partition import write_folder_atomically

LONG_ASCII = "a" * 245 + ".json"
# 125 two-byte characters: 250 bytes in UTF-8.
LONG_UNICODE = "é" * 125


def test_stem_keeps_short_name():
    assert temporary_stem("metrics.jsonl") == ".metrics.jsonl"


def test_stem_cuts_to_200_bytes():
    assert temporary_stem(LONG_ASCII) == "." + "a" * 200
    assert len(os.fsencode(temporary_stem(LONG_UNICODE))) == 201


def test_text_write_to_long_ascii_name(tmp_path):
    path = tmp_path / LONG_ASCII
    write_text_atomically(path, "[1, 2]\n")
    assert path.read_text() == "[1, 2]\n"
    assert os.listdir(tmp_path) == [LONG_ASCII]


def test_text_write_to_long_unicode_name(tmp_path):
    path = tmp_path / LONG_UNICODE
    write_text_atomically(path, "x")
    assert path.read_text() == "x"
    assert os.listdir(tmp_path) == [LONG_UNICODE]


def test_folder_write_to_long_name(tmp_path):
    out = tmp_path / LONG_UNICODE

    def write(folder):
        (folder / "meta.json").write_text("{}")
        return {"parts": 2}

    assert write_folder_atomically(out, write) == {"parts": 2}
    assert os.listdir(out) == ["meta.json"]
    assert os.listdir(tmp_path) == [LONG_UNICODE]


def test_unique_temporary_name_per_write(tmp_path):
    # Writers of one target in other processes must not share a temporary file.
    path = tmp_path / "metrics.json"
    temporaries = []

    def write(temporary):
        temporaries.append(temporary)
        temporary.write_text("{}")

    write_atomically(path, write)
    write_atomically(path, write)
    assert [t.parent for t in temporaries] == [tmp_path, tmp_path]
    for temporary in temporaries:
        assert re.fullmatch(r"\.metrics\.json\.[0-9a-f]{12}\.tmp", temporary.name)
    assert temporaries[0] != temporaries[1]
    assert os.listdir(tmp_path) == ["metrics.json"]
