"""load_lite reads only config_N folders and skips copies and stray files."""

from __future__ import annotations

import shutil

import pytest
from graphkit.extras.floorset.data import load_lite


@pytest.mark.realdata
def test_copies_and_files_skipped(tmp_path, shared_data):
    source = shared_data / "extras" / "floorset" / "LiteTensorDataTest" / "config_21"
    root = tmp_path / "LiteTensorDataTest"
    shutil.copytree(source, root / "config_21")
    shutil.copytree(source, root / "config_21_old")
    (root / "config_notes.txt").write_text("not a layout\n")
    cases = load_lite(root)
    assert [case.name for case in cases] == ["lite/config_21"]
    assert [case.name for case in load_lite(root, [21])] == ["lite/config_21"]
