"""Halo rows are packed for sending with index_select, and equal ``x[send_rows]``."""

import pytest
import torch
from graphkit.distributed.comm import Communicator, PendingExchange
from graphkit.distributed.halo import HaloExchange, gather_rows
from graphkit.distributed.memory import FetchTracker
from torch.utils._python_dispatch import TorchDispatchMode


class SentRows(Communicator):
    """Communicator for rank 0 of 2 that stores the rows it sends and receives none."""

    def __init__(self) -> None:
        self.rank, self.world_size = 0, 2
        self.group, self.device = None, torch.device("cpu")
        self._tag = 0
        self.sent: list[list[torch.Tensor]] = []

    def start(self, sends, recvs, label, tag=None):
        if 1 in sends:
            self.sent.append([t.clone() for t in sends[1]])
        return PendingExchange([], (), label)

    def wait(self, pending):
        pass


class IndexCalls(TorchDispatchMode):
    """Count the advanced-indexing (``aten.index``) calls."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        if str(func) == "aten.index.Tensor":
            self.count += 1
        return func(*args, **(kwargs or {}))


def _inputs():
    generator = torch.Generator().manual_seed(0)
    rows = torch.tensor([4, 0, 7, 7, 2])
    features = torch.randn(8, 3, generator=generator)
    # A transposed view is not contiguous, and the GAT values have three dimensions.
    transposed = torch.randn(5, 8, generator=generator).t()
    heads = torch.randn(8, 2, 4, generator=generator)
    return rows, [features, transposed, heads]


@pytest.mark.parametrize(
    ("max_message_bytes", "one_shot", "messages"),
    [(None, False, 1), (None, True, 1), (64, False, 5), (1000, False, 1)],
)
def test_fetch_packs_with_index_select(max_message_bytes, one_shot, messages):
    rows, tensors = _inputs()
    comm = SentRows()
    halo = HaloExchange(
        comm,
        [torch.empty(0, dtype=torch.long), rows],
        [8, 0],
        FetchTracker(),
        one_shot=one_shot,
        max_message_bytes=max_message_bytes,
    )
    with IndexCalls() as calls:
        peers = [peer for peer, _ in halo.fetch(tensors, "fetch")]
    assert peers == [0, 1]
    assert calls.count == 0
    # 64 bytes hold one row of all three tensors (3 + 5 + 8 floats), so each of the
    # 5 rows travels in its own message.
    assert len(comm.sent) == messages
    for index, tensor in enumerate(tensors):
        sent = torch.cat([message[index] for message in comm.sent])
        assert sent.shape == (5, *tensor.shape[1:])
        assert torch.equal(sent, tensor[rows])


def test_gather_rows_matches_advanced_indexing():
    rows, tensors = _inputs()
    for tensor in tensors:
        gathered = gather_rows(tensor, rows)
        assert gathered.is_contiguous()
        assert torch.equal(gathered, tensor[rows])
    empty = gather_rows(tensors[0], torch.empty(0, dtype=torch.long))
    assert empty.shape == (0, 3)


@pytest.mark.parametrize("codec", ["quantize", "random-projection"])
def test_compressed_fetch_packs_with_index_select(codec):
    from graphkit.distributed.compression import CompressedHalo
    from graphkit.distributed.compression.projection import RandomProjectionCodec
    from graphkit.distributed.compression.quantize import QuantizeCodec

    make = {"quantize": QuantizeCodec, "random-projection": RandomProjectionCodec}
    rows, tensors = _inputs()
    comm = SentRows()
    halo = HaloExchange(
        comm, [torch.empty(0, dtype=torch.long), rows], [8, 0], FetchTracker()
    )
    compressed = CompressedHalo(halo, make[codec](min_width=1), 2.0, 7, 0)
    with IndexCalls() as calls:
        peers = [peer for peer, _ in compressed.fetch(tensors, "fetch")]
    assert peers == [0, 1]
    assert calls.count == 0
    assert len(comm.sent) == 1
