"""Forward+backward time and peak memory of lattice and dense Gaussian filtering.

Each (method, n) runs in its own subprocess so that ``ru_maxrss`` is the peak resident
memory of that size alone. Positions are uniform in a ``d``-cube whose volume grows
with ``n`` (constant density, so the number of occupied lattice vertices grows like
``n``); values are standard normal. The loss is ``sum(filter(p, v) * g)`` for a fixed
random ``g``, and its backward pass computes gradients for the positions and values.
Times are the minimum over the repeats after one warm-up pass, as wall-clock and as
process CPU time (one thread); the CPU time is less affected by other load on the
machine.

The dense reference runs under a memory budget (``--dense-budget-gib``, default 16 GiB,
the memory of a common GPU). ``--dense-memory`` measures the peak resident memory that
one dense forward+backward pass adds at small ``n`` (each in its own subprocess). It
fits bytes per ``n^2`` and extrapolates the largest ``n`` within the budget, so it never
allocates the full budget.

    python benchmarks/pgcn_scaling.py --sizes 10000 100000 1000000
    python benchmarks/pgcn_scaling.py --dense-memory --dense-sizes 2000 4000 8000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import torch

from graphkit.lattice import (
    DenseBudgetError,
    PermutohedralLattice,
    dense_gaussian_filter,
)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def measure_dense_memory(n: int, d: int, channels: int) -> dict:
    """Measure the peak resident bytes that a dense pass over ``n`` points adds.

    The pass is one forward and one backward through the dense reference filter.
    """
    generator = torch.Generator().manual_seed(0)
    positions = torch.rand(n, d, generator=generator).requires_grad_()
    values = torch.randn(n, channels, generator=generator, requires_grad=True)
    target = torch.randn(n, channels, generator=generator)
    # Run a tiny pass first, so torch's lazily allocated buffers are in the baseline.
    dense_gaussian_filter(positions[:10], values[:10]).sum().backward()
    baseline = _peak_mib()
    out = dense_gaussian_filter(positions, values, budget_bytes=2**40)
    (out * target).sum().backward()
    added = (_peak_mib() - baseline) * 2**20
    return {"method": "dense-memory", "n": n, "bytes": added, "per_n2": added / n**2}


def measure(
    method: str,
    n: int,
    d: int,
    channels: int,
    density: float,
    repeats: int,
    dense_budget: int,
) -> dict:
    """Time ``repeats`` forward+backward passes after one warm-up pass."""
    generator = torch.Generator().manual_seed(0)
    side = (n / density) ** (1.0 / d)
    positions = (torch.rand(n, d, generator=generator) * side).requires_grad_()
    values = torch.randn(n, channels, generator=generator, requires_grad=True)
    target = torch.randn(n, channels, generator=generator)
    baseline = _peak_mib()
    vertices = None

    def step() -> None:
        nonlocal vertices
        if method == "lattice":
            lattice = PermutohedralLattice(positions)
            vertices = lattice.num_vertices
            out = lattice.filter(values)
        else:
            out = dense_gaussian_filter(positions, values, budget_bytes=dense_budget)
        (out * target).sum().backward()

    try:
        step()
    except DenseBudgetError as error:
        return {"method": method, "n": n, "error": str(error)}
    seconds, cpu_seconds = [], []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        step()
        seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - cpu_start)
    return {
        "method": method,
        "n": n,
        "seconds": min(seconds),
        "cpu_seconds": min(cpu_seconds),
        "vertices": vertices,
        "peak_mib": _peak_mib(),
        "inputs_mib": baseline,
    }


def run_in_subprocess(method: str, n: int, args: argparse.Namespace) -> dict:
    command = [
        sys.executable,
        __file__,
        "--worker",
        method,
        "--sizes",
        str(n),
        "--d",
        str(args.d),
        "--channels",
        str(args.channels),
        "--density",
        str(args.density),
        "--repeats",
        str(args.repeats),
        "--dense-budget-gib",
        str(args.dense_budget_gib),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"method": method, "n": n, "error": done.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def report_dense_memory(args: argparse.Namespace, dense_budget: int) -> None:
    """Print measured bytes per n^2 and the largest n that fits ``dense_budget``."""
    print("| n | added peak RSS MiB | bytes per n^2 |")
    print("| --- | --- | --- |")
    results = []
    for n in args.dense_sizes:
        result = run_in_subprocess("dense-memory", n, args)
        if "error" in result:
            print(f"| {n:,} | - | {result['error']} |", flush=True)
            continue
        results.append(result)
        print(
            f"| {n:,} | {result['bytes'] / 2**20:.0f} | {result['per_n2']:.2f} |",
            flush=True,
        )
    if len(results) < 2:
        return
    # The slope between the smallest and largest n removes any constant offset.
    first, last = results[0], results[-1]
    slope = (last["bytes"] - first["bytes"]) / (last["n"] ** 2 - first["n"] ** 2)
    largest = int((dense_budget / slope) ** 0.5)
    print(
        f"\nfitted {slope:.2f} bytes per n^2. A {args.dense_budget_gib:g} GiB budget "
        f"fits the dense forward+backward up to n = {largest:,} (extrapolated)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000]
    )
    parser.add_argument("--dense-sizes", type=int, nargs="+", default=[10_000, 30_000])
    parser.add_argument("--d", type=int, default=4, help="position dimension")
    parser.add_argument("--channels", type=int, default=16, help="value channels")
    parser.add_argument(
        "--density",
        type=float,
        default=50.0,
        help="points per unit volume (standard deviations^d)",
    )
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument(
        "--dense-budget-gib",
        type=float,
        default=16.0,
        help="memory budget of the dense reference, in GiB",
    )
    parser.add_argument(
        "--dense-memory",
        action="store_true",
        help="measure the dense reference's bytes per n^2 at --dense-sizes and "
        "extrapolate its largest n within the budget",
    )
    parser.add_argument(
        "--worker",
        choices=("lattice", "dense", "dense-memory"),
        help=argparse.SUPPRESS,
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    dense_budget = int(args.dense_budget_gib * 2**30)
    if args.worker == "dense-memory":
        print(json.dumps(measure_dense_memory(args.sizes[0], args.d, args.channels)))
        return
    if args.worker:
        result = measure(
            args.worker,
            args.sizes[0],
            args.d,
            args.channels,
            args.density,
            args.repeats,
            dense_budget,
        )
        print(json.dumps(result))
        return
    if args.dense_memory:
        report_dense_memory(args, dense_budget)
        return
    print(
        "| method | n | wall s | CPU s | CPU ratio per 10x n | peak RSS MiB "
        "| lattice vertices |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    jobs = [("lattice", n) for n in args.sizes] + [
        ("dense", n) for n in args.dense_sizes
    ]
    previous: dict[str, dict] = {}
    for method, n in jobs:
        result = run_in_subprocess(method, n, args)
        if "error" in result:
            print(
                f"| {method} | {n:,} | - | - | - | - | {result['error']} |", flush=True
            )
            continue
        ratio = "-"
        last = previous.get(method)
        if last is not None and n == 10 * last["n"]:
            ratio = f"{result['cpu_seconds'] / last['cpu_seconds']:.1f}"
        previous[method] = result
        print(
            f"| {method} | {n:,} | {result['seconds']:.3f} | {result['cpu_seconds']:.3f} "
            f"| {ratio} | "
            f"{result['peak_mib']:.0f} | {result['vertices'] or '-'} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
