"""The per-epoch record of a Trainer, written as one line of ``metrics.jsonl``.

A record contains the epoch, the mean training loss, the epoch time, the peak memory,
the metric on each split, the validation loss, and the halo compression and traffic
counters of a sharded graph.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import torch

from graphkit.graph import Graph
from graphkit.memory import peak_cuda_bytes, peak_rss_bytes
from graphkit.train.split_checks import SPLITS

# Names of the ``peak_memory_source`` values in the epoch log.
PEAK_NAMES = {"host_vmhwm": "host VmHWM", "cuda_max_allocated": "CUDA max allocated"}


def epoch_record(
    epoch: int,
    loss: float,
    scores: dict,
    seconds: float,
    metric_name: str,
    graph: Graph,
    device: torch.device,
    compression,
) -> dict:
    """Build one epoch's record, with reductions over ranks that every rank must join."""
    record = {"epoch": epoch, "loss": loss, "epoch_time_s": seconds,
              **peak_memory(graph, device), "metric": metric_name}
    record.update({f"{s}_{metric_name}": scores[s] for s in SPLITS})
    record["val_loss"] = scores["val_loss"]
    if compression is not None:  # reads the byte counts comm_stats resets
        record.update(compression.end_epoch(epoch, scores["val_loss"]))
    comm_stats = getattr(graph, "comm_stats", None)
    if comm_stats is not None:
        record.update(comm_stats())
        total = torch.tensor([float(record.get("sent_bytes", 0))], dtype=torch.float64,
                             device=device)
        record["all_ranks_sent_bytes"] = int(graph.reduce_sum(total).item())
    return record


def startup_traffic(graph: Graph, device: torch.device) -> int | None:
    """Return the bytes all ranks sent before the first epoch, and reset the counts.

    Start-up traffic (building the halo exchange, input checks, parameter
    synchronisation, a resume's checks) is then counted in no epoch, so a resumed run
    reports every epoch's bytes as the uninterrupted run does. Returns None for a
    graph without byte counts. Every rank must call it.
    """
    comm_stats = getattr(graph, "comm_stats", None)
    if comm_stats is None:
        return None
    sent = torch.tensor([float(comm_stats()["sent_bytes"])], dtype=torch.float64,
                        device=device)
    # The first epoch counts this all-reduce. It has the size and label of the one
    # that ends each epoch record, which the next epoch counts. So the first epoch
    # of a run, resumed or not, counts the same exchanges as any later epoch.
    return int(graph.reduce_sum(sent).item())


def peak_memory(graph: Graph, device: torch.device) -> dict:
    """Return the host ``VmHWM`` peak and, on CUDA, the tensor peak, max over ranks.

    ``peak_memory_bytes`` is the CUDA peak (``torch.cuda.max_memory_allocated``,
    reset each epoch) on a GPU and the host peak otherwise, and
    ``peak_memory_source`` names which one it is. The host peak covers the whole
    run, since ``VmHWM`` cannot be reset.
    """
    cuda = peak_cuda_bytes(device)
    local = [float(peak_rss_bytes()), float(cuda or 0)]
    peaks = graph.reduce_max(torch.tensor(local, dtype=torch.float64, device=device))
    host, tensors = (int(v) for v in peaks.tolist())
    if cuda is None:
        return {"peak_memory_bytes": host, "peak_memory_source": "host_vmhwm",
                "peak_host_bytes": host}
    return {"peak_memory_bytes": tensors, "peak_memory_source": "cuda_max_allocated",
            "peak_host_bytes": host, "peak_cuda_bytes": tensors}


def append_metrics_line(out: str | Path, record: dict) -> None:
    """Append ``record`` as one strict JSON line to ``metrics.jsonl`` in ``out``."""
    with open(Path(out) / "metrics.jsonl", "a") as f:
        f.write(json.dumps(strict_json(record), allow_nan=False) + "\n")


def strict_json(value):
    """Return ``value`` with NaN and infinite floats replaced by None (JSON ``null``).

    ``json.dumps`` writes them as the bare tokens ``NaN`` and ``Infinity``, which strict
    JSON readers (``jq``, JavaScript, many JSON-lines loaders) reject. A metric of an
    empty split is NaN, and a diverged loss may be infinite.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: strict_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(item) for item in value]
    return value
