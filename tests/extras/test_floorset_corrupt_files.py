"""The FloorSet loaders name a corrupt or empty tensor file."""

from __future__ import annotations

import io
import shutil
import tarfile
from pathlib import Path

import pytest
from graphkit.extras.floorset.data import load_lite, load_prime


def _lite_copy(tmp_path: Path, data: bytes) -> Path:
    folder = tmp_path / "LiteTensorDataTest" / "config_21"
    folder.mkdir(parents=True)
    (folder / "litedata_1.pth").write_bytes(data)
    (folder / "litelabel_1.pth").write_bytes(b"")
    return folder.parent


@pytest.mark.parametrize("data", [b"", b"not a torch file"])
def test_bad_lite_file_named(tmp_path, data):
    root = _lite_copy(tmp_path, data)
    with pytest.raises(ValueError, match=r"litedata_1\.pth: cannot read this FloorSet"):
        load_lite(root)


def test_bad_prime_member_named(tmp_path):
    archive = tmp_path / "PrimeTensorDataTest.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name in ("primedata_1.pth", "primelabel_1.pth"):
            member = tarfile.TarInfo(f"PrimeTensorDataTest/config_21/{name}")
            member.size = 4
            tar.addfile(member, io.BytesIO(b"junk"))
    pattern = r"PrimeTensorDataTest\.tar\.gz:config_21/primedata_1\.pth: cannot read"
    with pytest.raises(ValueError, match=pattern):
        load_prime(archive)


@pytest.mark.realdata
def test_missing_lite_file_still_not_found(tmp_path, shared_data):
    lite = shared_data / "extras" / "floorset" / "LiteTensorDataTest" / "config_21"
    folder = tmp_path / "LiteTensorDataTest" / "config_21"
    folder.mkdir(parents=True)
    shutil.copy(lite / "litedata_1.pth", folder)
    with pytest.raises(FileNotFoundError, match=r"config_21/litelabel_1\.pth"):
        load_lite(folder.parent)
