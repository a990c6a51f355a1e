"""Device and backend selection, and tensors that follow the device of the features.

No GPU is needed except for the tests marked with ``skipif(not cuda)``. The CPU tests
cover the selection rules, a static check that the code run on a GPU passes ``device=``
to every tensor factory, buffers allocated on a ``meta`` device, and the 2-rank gloo
equivalence through the same path that ``graphkit train --device`` takes.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
from gpu_workers import equivalence_on_device
from graphkit.distributed import device as dev
from graphkit.distributed import runtime
from graphkit.distributed.comm import PendingExchange
from graphkit.distributed.halo import HaloExchange
from graphkit.distributed.memory import FetchTracker
from graphkit.launch.cli import main
from graphkit.option_names import command_line_options
from harness import run_world

ROOT = Path(__file__).resolve().parents[2]
CUDA = torch.cuda.is_available()
NO_CUDA = "needs a CUDA device"


# Selection rules ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "requested, available, expected",
    [
        ("auto", True, "cuda"),
        ("auto", False, "cpu"),
        ("cpu", True, "cpu"),
        ("cpu", False, "cpu"),
        ("cuda", True, "cuda"),
    ],
)
def test_device_type_choices(requested, available, expected):
    assert dev.resolve_device_type(requested, available) == expected


def test_device_cuda_without_gpu_rejected():
    with pytest.raises(
        ValueError, match="torch.cuda.is_available\\(\\) is False"
    ) as info, command_line_options():
        dev.resolve_device_type("cuda", False)
    assert "--device cpu" in str(info.value)
    # The message names the installed torch version, not a placeholder.
    assert f"or torch {torch.__version__} is built without CUDA" in str(info.value)


def test_device_unknown_rejected():
    with pytest.raises(ValueError, match="device='tpu' is invalid"):
        dev.resolve_device_type("tpu", True)


@pytest.mark.parametrize(
    "requested, device_type, expected",
    [
        ("auto", "cuda", "nccl"),
        ("auto", "cpu", "gloo"),
        ("nccl", "cuda", "nccl"),
        ("gloo", "cpu", "gloo"),
    ],
)
def test_backend_choices(requested, device_type, expected):
    assert dev.resolve_backend(requested, device_type) == expected


def test_backend_nccl_with_cpu_rejected():
    with pytest.raises(ValueError) as info, command_line_options():
        dev.resolve_backend("nccl", "cpu")
    message = str(info.value)
    assert "'nccl'" in message
    assert "'cpu'" in message
    assert "--device cuda" in message
    assert "--backend gloo" in message


def test_backend_gloo_with_cuda_rejected():
    with pytest.raises(ValueError) as info, command_line_options():
        dev.resolve_backend("gloo", "cuda")
    message = str(info.value)
    assert "'gloo'" in message
    assert "'cuda'" in message
    assert "--backend nccl" in message


def test_backend_unknown_rejected():
    with pytest.raises(ValueError, match="backend='mpi' is invalid"):
        dev.resolve_backend("mpi", "cpu")
    with pytest.raises(ValueError, match="device type must be"):
        dev.resolve_backend("auto", "meta")


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"LOCAL_RANK": "3", "OMPI_COMM_WORLD_LOCAL_RANK": "1"}, 3),
        ({"OMPI_COMM_WORLD_LOCAL_RANK": "1", "MPI_LOCALRANKID": "2"}, 1),
        ({"MPI_LOCALRANKID": "2", "PMI_LOCAL_RANK": "0"}, 2),
        ({"PMI_LOCAL_RANK": "5"}, 5),
        ({"LOCAL_RANK": "", "PMI_LOCAL_RANK": "4"}, 4),
    ],
)
def test_local_rank_from_variables(env, expected):
    def split():
        raise AssertionError("the MPI split must not run when a variable is set")

    assert dev.local_rank_from_env(env, split) == expected


def test_local_rank_from_mpi_split():
    assert dev.local_rank_from_env({}, lambda: 6) == 6
    assert dev.local_rank_from_env({}, lambda: None) == 0
    assert dev.local_rank_from_env({}) == 0


@pytest.mark.parametrize("value", ["x", "-1", "1.5"])
def test_local_rank_invalid_rejected(value):
    with pytest.raises(ValueError, match=f"LOCAL_RANK={value!r} is not a non-negative"):
        dev.local_rank_from_env({"LOCAL_RANK": value})


def test_cuda_device_per_local_rank():
    assert dev.cuda_device_for(1, 2) == torch.device("cuda", 1)
    with (
        pytest.raises(ValueError, match="local rank 2 has no GPU of its own") as info,
        command_line_options(),
    ):
        dev.cuda_device_for(2, 2)
    assert "--nproc_per_node=2" in str(info.value)
    with pytest.raises(ValueError, match="no CUDA device is visible"):
        dev.cuda_device_for(0, 0)


@pytest.mark.skipif(CUDA, reason="checks the CPU-only machine's choice")
def test_select_device_without_gpu():
    assert dev.select_device("auto", "auto", True, {}) == (torch.device("cpu"), "gloo")
    assert dev.select_device("cpu", "gloo", False, {}) == (torch.device("cpu"), "gloo")
    with pytest.raises(ValueError, match="is_available"):
        dev.select_device("cuda", "auto", True, {"LOCAL_RANK": "0"})
    with pytest.raises(ValueError, match="'nccl' communicates only CUDA"):
        dev.select_device("auto", "nccl", True, {})


def test_init_nccl_on_cpu_rejected():
    with pytest.raises(ValueError, match="'nccl'"):
        runtime.init_process_group(backend="nccl", device="cpu")
    assert not dist.is_initialized()


# Every tensor factory names its device --------------------------------------------------
AUDITED = (
    "distributed/comm.py",
    "distributed/files.py",
    "distributed/gather.py",
    "distributed/halo.py",
    "distributed/memory.py",
    "distributed/partition_loading.py",
    "distributed/runtime.py",
    "distributed/sar.py",
    "distributed/sharded.py",
    "graphkit/block.py",
    "graphkit/graph.py",
    "graphkit/ops/attention.py",
    "graphkit/ops/chunks.py",
    "graphkit/ops/segment.py",
    "graphkit/train/metrics.py",
    "graphkit/train/trainer.py",
    "launch/cmd_train.py",
    # Halo compression, iSVD and the PGCN lattice run on the device of their input too.
    "distributed/compression/codec.py",
    "distributed/compression/control.py",
    "distributed/compression/exchange.py",
    "distributed/compression/learned.py",
    "distributed/compression/projection.py",
    "distributed/compression/quantize.py",
    "distributed/compression/subsample.py",
    "graphkit/embed/blocks.py",
    "graphkit/embed/implicit.py",
    "graphkit/embed/leaves.py",
    "graphkit/embed/linkpred.py",
    "graphkit/embed/nodeclass.py",
    "graphkit/embed/rsvd.py",
    "graphkit/embed/wys.py",
    "graphkit/lattice/dense.py",
    "graphkit/lattice/filter.py",
    "graphkit/lattice/simplex.py",
    "graphkit/lattice/table.py",
    # GPTQ quantizes the weights on their own device, so on the GPU for a GPU model.
    "extras/common/gptq.py",
)
FACTORIES = {
    "arange", "empty", "eye", "full", "linspace", "ones", "rand", "randint", "randn",
    "randperm", "tensor", "zeros",
}  # fmt: skip
# Calls that create CPU tensors on purpose, with the reason.
ALLOWED = {
    "torch.randint(0, 2**31 - 1, ())": "a seed, read at once as a Python int",
    "torch.rand(shape, generator=generator)": "dropout mask from a CPU generator, "
    "moved with .to(like.device)",
    "torch.rand(x32.shape, generator=generator(seed))": "quantization noise from a CPU "
    "generator, moved with .to(x32.device)",
    "torch.randn(width, k, generator=generator(seed), dtype=torch.float64)": "projection "
    "matrix from a CPU generator, moved by the codec to the rows' device",
    "torch.randperm(rows, generator=generator(seed))": "kept row ids from a CPU "
    "generator, used as an index, which CUDA tensors accept from the CPU",
    "torch.zeros(d + 1, d, dtype=torch.float64)": "elevation matrix filled on the CPU, "
    "moved with .to(device)",
    "torch.rand(explicit.shape, generator=generator)": "dropout mask from a CPU "
    "generator, moved with .to(explicit.device)",
    "torch.randperm(edge_index.shape[1], generator=generator)": "split order from a CPU "
    "generator, used as an index, which CUDA tensors accept from the CPU",
    "torch.randint(pairs.shape[1], (count,), generator=generator)": "negative pairs "
    "drawn and checked on the CPU, moved with .to(device)",
    "torch.randint(\n            0, num_nodes, (2, 2 * (count - found)), generator=generator"
    "\n        )": "negative pairs drawn and checked on the CPU, moved with .to(device)",
}


def factory_calls_without_device(path: Path, root: Path = ROOT) -> list[str]:
    """Return ``file:line: call`` for each ``torch.<factory>(...)`` without ``device=``."""
    source = path.read_text()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "torch"
            and node.func.attr in FACTORIES
        ):
            continue
        if any(keyword.arg == "device" for keyword in node.keywords):
            continue
        text = ast.get_source_segment(source, node)
        if text not in ALLOWED:
            found.append(f"{path.relative_to(root)}:{node.lineno}: {text}")
    return found


def test_audit_finds_missing_device(tmp_path):
    path = tmp_path / "sample.py"
    lines = [
        "import torch",
        "a = torch.zeros(3)",
        "b = torch.ones(2, device=x.device)",
        "c = torch.randint(0, 2**31 - 1, ())",
        "d = x.new_zeros(3)",
    ]
    path.write_text("\n".join(lines) + "\n")
    assert factory_calls_without_device(path, tmp_path) == [
        "sample.py:2: torch.zeros(3)"
    ]


def test_distributed_code_names_devices():
    missing = [
        line for name in AUDITED for line in factory_calls_without_device(ROOT / name)
    ]
    assert missing == [], (
        "factory calls without device=. Pass device=, or add the call to ALLOWED "
        "with a reason:\n" + "\n".join(missing)
    )


# Buffers follow their inputs' device ------------------------------------------------------
class RecordingComm:
    """Fake Communicator that records the posted tensors and transfers nothing."""

    def __init__(self, rank: int, world_size: int) -> None:
        self.rank, self.world_size = rank, world_size
        self.posted: list[tuple[str, torch.Tensor]] = []

    def start(self, sends, recvs, label):
        self.posted += [("send", t) for ts in sends.values() for t in ts]
        self.posted += [("recv", t) for ts in recvs.values() for t in ts]
        return PendingExchange([], (), label)

    def wait(self, pending) -> None:
        pass


@pytest.mark.parametrize("one_shot", [False, True], ids=["rounds", "one-shot"])
def test_halo_buffers_on_input_device(one_shot):
    comm = RecordingComm(rank=1, world_size=3)
    send_rows = [torch.tensor([0, 2], device="meta")] * 3
    halo = HaloExchange(comm, send_rows, [4, 5, 3], FetchTracker(), one_shot)
    x = torch.empty(6, 8, device="meta")
    rows = {peer: fetched for peer, (fetched,) in halo.fetch([x], "test")}
    assert sorted(rows) == [0, 1, 2]
    assert rows[0].shape == (4, 8)
    assert rows[2].shape == (3, 8)
    grad = torch.zeros(6, 8, device="meta")
    halo.return_grads(
        ((peer, [torch.empty_like(rows[peer])]) for peer in halo.peer_order()),
        [grad],
        "test/grad",
    )
    assert len(comm.posted) == 8  # One send and one receive per peer and direction.
    devices = {(kind, t.device.type) for kind, t in comm.posted}
    assert devices == {("send", "meta"), ("recv", "meta")}


def test_payload_moved_with_nesting():
    payload = {
        "edges": [torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, 0)],
        "x": torch.ones(4, 2),
        "meta": {"ids": torch.arange(3)},
        "rank": 1,
    }
    moved = runtime.payload_to(payload, "meta")
    assert moved["rank"] == 1
    assert [t.device.type for t in moved["edges"]] == ["meta", "meta"]
    assert moved["x"].device.type == "meta"
    assert moved["meta"]["ids"].device.type == "meta"
    assert moved["edges"][0].dtype == torch.long
    assert payload["x"].device.type == "cpu"  # The input tensor is not changed.


def test_partition_files_loaded_on_cpu(tmp_path, monkeypatch):
    from graphkit.distributed import files
    from graphkit.distributed.partition import partition_nodes
    from workers import random_graph

    data = random_graph()
    parts = partition_nodes(data.edge_index, data.num_nodes, 2, "random")
    files.write_partitions(data, parts, 2, tmp_path)
    calls = []
    load = torch.load

    def recording_load(*args, **kwargs):
        calls.append(kwargs.get("map_location"))
        return load(*args, **kwargs)

    monkeypatch.setattr(files.torch, "load", recording_load)
    payload = files.load_partition(tmp_path, 1, 2)
    assert calls == ["cpu"]
    assert payload["rank"] == 1


def test_communicator_rejects_other_device():
    runtime.init_process_group(backend="gloo", device="cpu")
    try:
        comm = runtime.communicator()
        assert comm.device == torch.device("cpu")
        assert comm.all_gather_sizes(7) == [7]
        with pytest.raises(ValueError) as info:
            comm.start({0: [torch.empty(2, device="meta")]}, {}, "test")
        message = str(info.value)
        assert "tensor on meta" in message
        assert "tensors on cpu (backend gloo)" in message
    finally:
        runtime.destroy_process_group()


def test_sharded_graph_rejects_other_device():
    from graphkit.distributed import ShardedGraph

    runtime.init_process_group(backend="gloo", device="cpu")
    try:
        edges = [torch.tensor([[0, 1], [1, 2]])]
        graph = ShardedGraph(runtime.communicator(), torch.tensor([0, 3]), edges)
        assert graph.device == torch.device("cpu")
        assert graph.global_ids.device == torch.device("cpu")
        with pytest.raises(
            ValueError, match="the graph is on cpu but the input is on meta"
        ):
            graph.aggregate(torch.empty(3, 2, device="meta"))
    finally:
        runtime.destroy_process_group()


# The path of graphkit train --device ------------------------------------------------------
@pytest.mark.distributed
def test_two_rank_gloo_equivalence_explicit_cpu():
    models = ("gcn", "sage-max", "gat", "gcn-batchnorm", "message-edge")
    results = run_world(
        equivalence_on_device,
        2,
        "cpu",
        models,
        ("sar", "one-shot"),
        backend="gloo",
        device="cpu",
    )
    for device, backend, failures in results:
        assert device == "cpu"
        assert backend == "gloo"
        assert not failures, "\n".join(failures[:20])


def _train_config(**changes):
    from graphkit.train.config import TrainConfig

    options = {
        "dataset_options": {"num_nodes": 200, "seed": 3},
        "epochs": 2,
        "hidden": 8,
    }
    return TrainConfig(**{**options, **changes})


def test_trainer_reports_host_peak_on_cpu():
    from graphkit.launch.cmd_train import load_local

    from graphkit.train.trainer import Trainer

    config = _train_config(device="cpu")
    graph, data = load_local(config, "cpu")
    trainer = Trainer(config, data, graph)
    peaks = trainer._peak_memory()
    assert peaks["peak_memory_source"] == "host_vmhwm"
    assert peaks["peak_memory_bytes"] == peaks["peak_host_bytes"]
    assert peaks["peak_host_bytes"] > 0
    assert "peak_cuda_bytes" not in peaks


def test_trainer_reports_cuda_peak(monkeypatch):
    from graphkit.launch.cmd_train import load_local

    from graphkit.train import epoch_record as epoch_record_module
    from graphkit.train import trainer as trainer_module

    config = _train_config(device="cpu")
    graph, data = load_local(config, "cpu")
    trainer = trainer_module.Trainer(config, data, graph)
    monkeypatch.setattr(epoch_record_module, "peak_cuda_bytes", lambda device: 12345)
    peaks = trainer._peak_memory()
    assert peaks["peak_memory_source"] == "cuda_max_allocated"
    assert peaks["peak_memory_bytes"] == 12345
    assert peaks["peak_cuda_bytes"] == 12345
    assert peaks["peak_host_bytes"] > 12345


def test_cli_device_cpu_records_source(tmp_path, capsys):
    out = tmp_path / "run"
    options = [
        "--epochs",
        "2",
        "--dataset-options",
        "{num_nodes: 200}",
        "--out",
        str(out),
    ]
    assert main(["train", "--device", "cpu", "--backend", "gloo", *options]) == 0
    assert "test accuracy:" in capsys.readouterr().out
    records = [
        json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()
    ]
    assert [r["peak_memory_source"] for r in records] == ["host_vmhwm", "host_vmhwm"]


def test_cli_nccl_on_cpu_rejected():
    with pytest.raises(ValueError, match="'nccl' communicates only CUDA tensors"):
        main(["train", "--device", "cpu", "--backend", "nccl"])


# Only where a GPU is present -------------------------------------------------------------
def _train_records(launcher: list[str], device: str, out: Path) -> list[dict]:
    """Run 3 epochs of ``graphkit train --device DEVICE`` and return its metrics records."""
    command = [sys.executable, *launcher, "-m", "graphkit.launch", "train",
               "--device", device, "--epochs", "3", "--dropout", "0",
               "--dataset-options", "{num_nodes: 2000}", "--out", str(out)]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=600, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return [
        json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()
    ]


@pytest.mark.skipif(not CUDA, reason=NO_CUDA)
def test_cuda_single_process_matches_cpu(tmp_path):
    cpu = _train_records([], "cpu", tmp_path / "cpu")
    gpu = _train_records([], "cuda", tmp_path / "cuda")
    assert [r["loss"] for r in gpu] == pytest.approx([r["loss"] for r in cpu], abs=1e-4)
    assert gpu[0]["peak_memory_source"] == "cuda_max_allocated"


@pytest.mark.distributed
@pytest.mark.skipif(torch.cuda.device_count() < 2, reason="needs 2 CUDA devices")
def test_nccl_two_ranks_match_gloo(tmp_path):
    torchrun = ["-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    gloo = _train_records(torchrun, "cpu", tmp_path / "gloo")
    nccl = _train_records(torchrun, "cuda", tmp_path / "nccl")
    assert [r["loss"] for r in nccl] == pytest.approx(
        [r["loss"] for r in gloo], abs=1e-4
    )
    assert nccl[0]["peak_memory_source"] == "cuda_max_allocated"
    assert gloo[0]["peak_memory_source"] == "host_vmhwm"
