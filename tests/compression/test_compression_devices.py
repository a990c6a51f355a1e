"""Halo codecs and byte accounting keep their tensors on the device of their input.

No GPU is needed: inside the ``fake_device`` fixture, ``"meta"`` tensors stand in for
CUDA tensors, and an operation that meets a CPU tensor raises as a CUDA run would.
"""

import torch
from graphkit.distributed.comm import CommStats
from graphkit.distributed.compression import (
    CodeContext,
    LearnedCodec,
    QuantizeCodec,
    RandomProjectionCodec,
)
from graphkit.distributed.compression.control import Compression
from graphkit.distributed.compression.quantize import pack
from graphkit.distributed.compression.schedule import FixedSchedule

META = torch.device("meta")


def test_pack_on_input_device(fake_device):
    with fake_device:
        packed = pack(torch.zeros(3, 5, device="meta"), 4)
    assert packed.device == META
    assert packed.shape == (3, 3)
    assert packed.dtype == torch.uint8


def _round_trip_devices(codec, fake_device) -> list[torch.device]:
    """Return the devices of every tensor of one round trip of ``"meta"`` rows."""
    ctx = CodeContext(4.0, 7, 0, "0.0")
    with fake_device:
        x = torch.ones(5, 32, device="meta")
        payload = codec.encode(x, ctx)
        decoded = codec.decode(payload, 5, 32, ctx)
        grad_payload = codec.encode_grad(torch.ones_like(decoded), payload, ctx)
        grad = codec.decode_grad(grad_payload, x, ctx)
    return [t.device for t in [*payload, decoded, *grad_payload, grad]]


def test_quantize_codec_on_input_device(fake_device):
    devices = _round_trip_devices(QuantizeCodec(), fake_device)
    assert devices == [META] * 6


def test_projection_codec_on_input_device(fake_device):
    for codec in (RandomProjectionCodec(), RandomProjectionCodec(resample=True)):
        devices = _round_trip_devices(codec, fake_device)
        assert devices == [META] * 4, codec


def test_learned_codec_on_input_device(fake_device):
    codec = LearnedCodec()
    devices = _round_trip_devices(codec, fake_device)
    assert devices == [META] * 4
    assert [p.device for p in codec.parameters()] == [META, META]
    assert [p.grad.device for p in codec.parameters()] == [META, META]


class _DeviceComm:
    """Fake communicator on ``"meta"`` that records the device of each all-reduce."""

    device = META

    def __init__(self) -> None:
        self.stats = CommStats()
        self.reduced: list[tuple[str, torch.device]] = []

    def all_reduce(self, tensor, label: str = "all_reduce"):
        self.reduced.append((label, tensor.device))
        # The sums of two ranks that each sent 150 bytes, 100 of them halo rows.
        return torch.tensor([300.0, 200.0, 0.0], dtype=torch.float64)


def test_byte_counts_on_comm_device():
    comm = _DeviceComm()
    # At ratio 1 halo_for returns the exchange it was given and only notes the label.
    compression = Compression(QuantizeCodec(), FixedSchedule(1.0), comm)
    compression.halo_for(None, "halo")
    comm.stats.add("halo/fetch", 100, 100)
    comm.stats.add("setup", 50, 50)
    record = compression.end_epoch(1, 0.5)
    assert comm.reduced == [("compression/accounting", META)]
    assert record["epoch_sent_bytes_all_ranks"] == 300
    assert record["epoch_halo_bytes_all_ranks"] == 200
