"""check_output_file leaves no file behind, also when Ctrl-C comes right after the
create call that tests the output folder."""

import os

import pytest
from graphkit.launch import outputs


def _supports_unnamed_files(folder) -> bool:
    """Return whether ``folder`` accepts O_TMPFILE, which creates a file without a name."""
    if not hasattr(os, "O_TMPFILE"):
        return False
    try:
        os.close(os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o600))
    except OSError:
        return False
    return True


def test_probe_removed_after_success(tmp_path):
    outputs.check_output_file(tmp_path / "r.json", "--json")
    assert list(tmp_path.iterdir()) == []


def test_probe_removed_after_interrupt(tmp_path, monkeypatch):
    if not _supports_unnamed_files(tmp_path):
        pytest.skip("the temporary folder's file system has no O_TMPFILE")
    real_open = os.open

    def open_then_interrupt(*args, **kwargs):
        # Ctrl-C delivered once the file exists, before the probe is removed.
        os.close(real_open(*args, **kwargs))
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "open", open_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        outputs.check_output_file(tmp_path / "r.json", "--json")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []
