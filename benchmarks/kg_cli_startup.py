"""CPU time of one ``graphkit kg evaluate`` command, with and without torch_geometric.

The ULTRA ranking path no longer imports torch_geometric. To compare with the earlier
code, which imported it through ``torch_geometric.data.Data``, the script runs the same
command in two kinds of fresh processes, alternating:

* ``with pyg``: ``import torch_geometric`` first, then the command (the earlier cost);
* ``without``: the command alone (the current cost).

Each process's CPU time (user plus system, from ``getrusage`` of the finished child)
covers the imports, loading the split and the checkpoint, and ranking. The lowest of
``--repeats`` runs is kept. A bare ``import torch`` process is timed as well, as the floor
that every command pays.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/kg_cli_startup.py --root DATA/kg \\
        --checkpoint DATA/ultra/ultra_3g.pth [--dataset nell_v1] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys

RUN_COMMAND = """
import sys
{prelude}
from graphkit.launch.cli import run
sys.argv = ["graphkit"] + sys.argv[1:]
run()
"""


def child_cpu_seconds(
    arguments: list[str], env: dict | None = None, cwd: str | None = None
) -> float:
    """Run ``python ARGUMENTS`` to completion and return its user plus system CPU time.

    ``env`` adds variables to the child's environment or overrides those it inherits
    from this process. ``cwd`` is the child's working directory.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, *arguments],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={
            **os.environ,
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
            **(env or {}),
        },
        cwd=cwd,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def lowest_child_cpu_seconds(
    variants: dict[str, list[str]], repeats: int
) -> dict[str, float]:
    """Return the lowest :func:`child_cpu_seconds` of each variant over ``repeats`` rounds.

    Each round runs every variant once, in turn, so a slow phase of the machine
    affects all variants alike.
    """
    best = {variant: float("inf") for variant in variants}
    for _ in range(repeats):
        for variant, arguments in variants.items():
            best[variant] = min(best[variant], child_cpu_seconds(arguments))
    return best


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="folder of the KG datasets")
    parser.add_argument("--checkpoint", required=True, help="ULTRA checkpoint file")
    parser.add_argument("--dataset", default="nell_v1", help="split to evaluate")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    command = [
        "kg", "evaluate", "--checkpoint", args.checkpoint,
        "--dataset", args.dataset, "--root", args.root, "--threads", "1",
    ]
    variants = {
        "with pyg": ["-c", RUN_COMMAND.format(prelude="import torch_geometric"), *command],
        "without": ["-c", RUN_COMMAND.format(prelude=""), *command],
        "import torch only": ["-c", "import torch"],
    }
    best = {name: float("inf") for name in variants}
    for _ in range(args.repeats):
        for name, arguments in variants.items():
            best[name] = min(best[name], child_cpu_seconds(arguments))
    for name, seconds in best.items():
        print(f"{name:<18} {seconds:6.2f} CPU s")
    print(f"without / with pyg: {best['without'] / best['with pyg']:.2f}")


if __name__ == "__main__":
    main()
