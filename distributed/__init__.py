"""Distributed full-batch training: partitioning, sharded graphs and SAR aggregation.

See :mod:`graphkit.distributed.sar` for the algorithm and
:mod:`graphkit.distributed.runtime` for starting processes under torchrun or mpiexec.
"""

from graphkit.distributed.comm import Communicator, PeerLostError
from graphkit.distributed.partition import (
    partition_nodes,
    partition_payloads,
    partition_summary,
    relabel,
)
from graphkit.distributed.sar import MODES
from graphkit.distributed.sharded import ShardedGraph

__all__ = [
    "MODES",
    "Communicator",
    "PeerLostError",
    "ShardedGraph",
    "partition_nodes",
    "partition_payloads",
    "partition_summary",
    "relabel",
]
