"""Resuming on another partition folder with the same number of parts warns once."""

import logging
import shutil

import pytest
import torch
from harness import run_world

pytestmark = pytest.mark.distributed

WARNING_START = "checkpoint "
NOT_REPEATED = "will not repeat the interrupted run"


def write_folder(folder, seed: int) -> None:
    from graphkit.datasets import load_dataset
    from graphkit.distributed import partition_nodes
    from graphkit.distributed.files import write_partitions

    whole = load_dataset("synthetic", None, num_nodes=120, num_features=4, seed=1)
    parts = partition_nodes(whole.edge_index, whole.num_nodes, 2, "random", None, seed)
    write_partitions(whole, parts, 2, folder, info={"method": "random"})


def fit_and_collect(rank: int, world_size: int, folder: str, out: str, epochs: int,
                    resume: str | None):
    """Train on ``folder`` and return the partitioning warnings that this rank logged."""
    from graphkit.distributed.runtime import build_partition

    from graphkit.train.config import TrainConfig
    from graphkit.train.trainer import Trainer

    messages = []

    class Collect(logging.Handler):
        def emit(self, record):
            messages.append(record.getMessage())

    logger = logging.getLogger("graphkit.train.partitioning")
    logger.addHandler(Collect(level=logging.WARNING))
    config = TrainConfig(partitions=folder, epochs=epochs, hidden=8, dropout=0.5,
                         checkpoint_every=2, out=out, resume=resume, patience=0)
    graph, data = build_partition(config, rank, world_size)
    Trainer(config, data, graph).fit()
    return messages


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("partitions")
    write_folder(root / "first", seed=0)
    write_folder(root / "other", seed=1)
    shutil.copytree(root / "first", root / "copy")
    checkpoint_run = root / "run"
    run_world(fit_and_collect, 2, str(root / "first"), str(checkpoint_run), 2, None)
    return root


def resume_on(folders, tmp_path, name: str, strip_record: bool = False):
    out = tmp_path / "out"
    out.mkdir()
    checkpoint = out / "checkpoint_000002.pt"
    shutil.copy(folders / "run" / "checkpoint_000002.pt", checkpoint)
    if strip_record:
        state = torch.load(checkpoint, weights_only=False)
        del state["partitioning"]
        torch.save(state, checkpoint)
    return run_world(fit_and_collect, 2, str(folders / name), str(out), 4, "auto")


def test_other_folder_warns_on_rank_zero(folders, tmp_path):
    rank0, rank1 = resume_on(folders, tmp_path, "other")
    assert len(rank0) == 1
    assert rank0[0].startswith(WARNING_START)
    assert str(folders / "first") in rank0[0]
    assert str(folders / "other") in rank0[0]
    assert NOT_REPEATED in rank0[0]
    assert rank1 == []


def test_copied_folder_does_not_warn(folders, tmp_path):
    rank0, rank1 = resume_on(folders, tmp_path, "copy")
    assert rank0 == []
    assert rank1 == []


def test_old_checkpoint_does_not_warn(folders, tmp_path):
    rank0, rank1 = resume_on(folders, tmp_path, "other", strip_record=True)
    assert rank0 == []
    assert rank1 == []
