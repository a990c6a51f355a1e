"""Shared pytest fixtures: the real-data folder and a writable copy of it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def _data_root() -> Path | None:
    root = os.environ.get("GRAPHKIT_TEST_DATA")
    if root and Path(root).is_dir():
        return Path(root)
    return None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only real-data folder named by ``GRAPHKIT_TEST_DATA``."""
    root = _data_root()
    if root is None:
        pytest.skip(
            "real data not available: set GRAPHKIT_TEST_DATA to the shared data "
            "folder (holding graphs/, kg/, ultra/) to run this test"
        )
    return root


@pytest.fixture(scope="session")
def data_copy(shared_data, tmp_path_factory):
    """Return a function that copies a sub-folder of the data to a writable place.

    PyG loaders write ``processed/`` next to ``raw/``, so they must never run on the
    read-only folder itself. Copies are made once per session and per sub-folder.
    """
    copies: dict[str, Path] = {}

    def copy(subpath: str) -> Path:
        if subpath not in copies:
            source = shared_data / subpath
            if not source.exists():
                pytest.skip(f"{source} is missing from the real-data folder")
            target = tmp_path_factory.mktemp("data") / Path(subpath).name
            shutil.copytree(source, target)
            for folder in [target, *target.rglob("*")]:
                if folder.is_dir():
                    folder.chmod(0o755)
                else:
                    folder.chmod(0o644)
            copies[subpath] = target
        return copies[subpath]

    return copy
