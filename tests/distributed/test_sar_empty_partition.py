"""Partitions without nodes or without in-edges run every kernel like one process."""

import pytest

from harness import run_world
from workers import equivalence

pytestmark = pytest.mark.distributed

# One model per kernel: CSR sum, max with tie counts, attention, generic messages.
KERNEL_MODELS = ("gcn", "sage-max", "gat", "message-edge")


def test_empty_and_edgeless_partitions_match_single_process():
    # Rank 1 contains no node, so its tensors have shape [0, F]. Rank 2 contains only
    # nodes without edges, so no block enters it and the max has no tie counts.
    results = run_world(equivalence, 3, ["sparse"], KERNEL_MODELS)
    failures = [line for rank_failures in results for line in rank_failures]
    assert not failures, "\n".join(failures[:20])
