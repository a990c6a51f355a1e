"""load_prime reads archives packed with ./ paths and names missing members."""

from __future__ import annotations

import io
import tarfile

import pytest
from graphkit.extras.floorset.data import load_prime


def _source_members(shared_data):
    archive = shared_data / "extras" / "floorset" / "PrimeTensorDataTest.tar.gz"
    members = {}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            if member.isfile() and "/config_21/" in member.name:
                members[member.name.rsplit("/", 1)[1]] = tar.extractfile(member).read()
    return members


def _write(path, entries):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in entries.items():
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))


@pytest.mark.realdata
def test_dot_slash_paths_load(tmp_path, shared_data):
    members = _source_members(shared_data)
    archive = tmp_path / "PrimeTensorDataTest.tar.gz"
    _write(archive, {f"./config_21/{name}": data for name, data in members.items()})
    cases = load_prime(archive)
    assert [case.name for case in cases] == ["prime/config_21"]
    assert cases[0].num_blocks == 21


@pytest.mark.realdata
def test_missing_label_named(tmp_path, shared_data):
    members = _source_members(shared_data)
    archive = tmp_path / "PrimeTensorDataTest.tar.gz"
    _write(archive, {"config_21/primedata_1.pth": members["primedata_1.pth"]})
    with pytest.raises(
        FileNotFoundError, match=r"config_21/primelabel_1\.pth is missing"
    ):
        load_prime(archive)


def test_not_gzip_named(tmp_path):
    archive = tmp_path / "PrimeTensorDataTest.tar.gz"
    archive.write_bytes(b"plain text, not gzip")
    with pytest.raises(ValueError, match=r"PrimeTensorDataTest\.tar\.gz: cannot read"):
        load_prime(archive)
