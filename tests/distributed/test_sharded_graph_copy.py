"""ShardedGraph names the fix when pickled or deep-copied."""

import copy
import pickle

import pytest
import torch
from harness import run_world

from graphkit.distributed import ShardedGraph
from graphkit.distributed.runtime import communicator

pytestmark = pytest.mark.distributed

NO_EDGES = torch.empty(2, 0, dtype=torch.long)


def _copy_errors(rank: int, world_size: int) -> list[str]:
    graph = ShardedGraph(communicator(), torch.tensor([0, 2, 4]), [NO_EDGES, NO_EDGES])
    errors = []
    for copier in (copy.deepcopy, pickle.dumps):
        try:
            copier(graph)
        except TypeError as error:
            errors.append(str(error))
    return errors


def test_copy_and_pickle_rejected():
    results = run_world(_copy_errors, 2)
    for rank, errors in enumerate(results):
        expected = (
            f"a ShardedGraph (rank {rank} of 2) is bound to its connections to the "
            "other ranks and cannot be pickled or copied. Copy or save the model's "
            "state_dict, and build another graph with ShardedGraph.from_partition"
        )
        assert errors == [expected, expected], f"rank {rank}"
