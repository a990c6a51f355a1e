"""Two local gloo ranks on METIS partitions of the synthetic graph, for benchmarks.

``halo_pack.py`` and ``sar_attention_pass.py`` start themselves again as two worker
processes (``--worker RANK``), and each worker writes its timings to a JSON report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def prepare_partitions(out: str, nodes: int, degree: float) -> Path:
    """Write 2 METIS partitions of the synthetic graph with ``graphkit partition``.

    The folder ``OUT/parts-NODES`` is reused when it already contains ``meta.json``.
    """
    folder = partitions_folder(out, nodes)
    if (folder / "meta.json").exists():
        return folder
    options = f"{{num_nodes: {nodes}, avg_degree: {degree}}}"
    command = [
        sys.executable, "-m", "graphkit.launch", "partition", "--parts", "2",
        "--out", str(folder), "--dataset-options", options,
    ]
    subprocess.run(command, check=True)
    return folder


def partitions_folder(out: str, nodes: int) -> Path:
    """Return the folder that :func:`prepare_partitions` writes."""
    return Path(out) / f"parts-{nodes}"


def report_path(out: str, stem: str, rank: int) -> Path:
    """Return the JSON report that rank ``rank`` writes, ``OUT/STEM-rankRANK.json``."""
    return Path(out) / f"{stem}-rank{rank}.json"


def run_two_ranks(script: str, out: str, stem: str) -> list[dict]:
    """Run ``script`` as ranks 0 and 1 and return their reports.

    The ranks get the arguments of this process and ``--worker RANK``, one OpenMP
    thread each and a free port on 127.0.0.1. Rank ``r`` writes
    :func:`report_path` ``(out, stem, r)``.
    """
    from graphkit.distributed.runtime import free_port

    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(free_port()),
        "WORLD_SIZE": "2",
    }
    base = [sys.executable, script, *sys.argv[1:]]
    procs = [
        subprocess.Popen([*base, "--worker", str(rank)], env={**env, "RANK": str(rank)})
        for rank in range(2)
    ]
    codes = [p.wait() for p in procs]
    if any(codes):
        raise RuntimeError(
            f"the ranks exited with codes {codes}. Their errors are printed above"
        )
    return [json.loads(report_path(out, stem, rank).read_text()) for rank in range(2)]
