"""gather_messages on four ranks returns every rank's own text, in rank order.

In one process the length reduction and the row sum have nothing to combine, so only
several ranks show whether each rank's bytes arrive in its own row at its own length.
"""

import pytest
import torch
from harness import run_world

from graphkit.train.rank_messages import MAX_MESSAGE_BYTES

pytestmark = pytest.mark.distributed

# Different lengths, an empty message, two-byte UTF-8 characters, and one message that
# is cut to MAX_MESSAGE_BYTES.
MESSAGES = ["checkpoint a.pt does not exist", "", "fichier déjà lu", "y" * 5000]


def _gather(rank: int, world_size: int) -> list[str]:
    from workers import edgeless_graph

    from graphkit.train.rank_messages import gather_messages

    graph = edgeless_graph(world_size)
    return gather_messages(graph, MESSAGES[rank], torch.device("cpu"))


def test_every_rank_gets_all_messages():
    want = [*MESSAGES[:3], "y" * MAX_MESSAGE_BYTES]
    results = run_world(_gather, 4)
    for rank, gathered in enumerate(results):
        assert gathered == want, f"rank {rank}"
