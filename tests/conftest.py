"""Shared pytest fixtures: the real-data folder, a writable copy of it, and checks that
no test leaves process-wide state behind."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
import torch
import torch.distributed as dist

# Variables that make graphkit start a process group. Tests must restore them, since a
# later in-process ``graphkit train`` would otherwise try to join a world of peers.
_LAUNCH_VARIABLES = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")


@pytest.fixture(autouse=True)
def _no_leaked_process_state():
    """Fail a test that leaves a process group or launch variables set; restore both.

    Worker processes of the distributed tests are forked from pytest, so they inherit
    a default process group left initialised here, and ``init_process_group`` then
    returns rank 0 of 1 in every worker. Torch's thread count and graphkit's logging
    handler are restored without failing the test.
    """
    variables = {name: os.environ.get(name) for name in _LAUNCH_VARIABLES}
    threads = torch.get_num_threads()
    root = logging.getLogger()
    level, handlers = root.level, set(root.handlers)
    yield
    leaks = []
    if dist.is_available() and dist.is_initialized():
        from graphkit.distributed.runtime import destroy_process_group

        destroy_process_group()
        leaks.append("a default torch.distributed process group is still initialised")
    for name, value in variables.items():
        if os.environ.get(name) != value:
            leaks.append(
                f"environment variable {name} changed to {os.environ.get(name)!r}"
            )
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    torch.set_num_threads(threads)
    # setup_logging() replaces the root handlers with one bound to the sys.stderr of the
    # test, which pytest closes afterwards. Pytest adds its own handlers for each test.
    for handler in set(root.handlers) - handlers:
        if not type(handler).__module__.startswith("_pytest"):
            root.removeHandler(handler)
    root.setLevel(level)
    assert not leaks, "the test left process-wide state behind: " + "; ".join(leaks)


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



@pytest.fixture
def fake_device():
    """Return a fake-tensor mode in which ``"meta"`` tensors stand in for CUDA tensors.

    Inside ``with fake_device:``, tensors carry shapes, dtypes and devices but no data.
    An operation that mixes a ``"meta"`` tensor with a non-scalar CPU tensor raises
    ``FakeTensorDeviceMismatchError`` (or a RuntimeError naming both devices), as a
    CUDA run raises for a CPU tensor. A CPU-only machine can thus check that code keeps
    new tensors on its input's device. Real CPU tensors passed in become fake CPU
    tensors. Reading a value (``.item()``, ``bool(t)``) raises, and a CPU
    ``torch.Generator`` is accepted for a draw on ``"meta"``, which CUDA rejects.
    ``"meta"`` is used rather than ``"cuda"`` because indexing a fake CUDA tensor
    needs a CUDA build of torch.
    """
    from torch._subclasses.fake_tensor import FakeTensorMode

    return FakeTensorMode(allow_non_fake_inputs=True)
