"""CPU time of ``graphkit`` help commands and ``extras list`` in fresh processes.

These commands no longer import torch. To show what that saves, each command runs in
fresh processes of two or three kinds, alternating:

* ``now``: the command alone;
* ``torch first``: the same command after ``import torch`` (for ``extras list``, after
  importing every experiment module, as the listing did before), which is the cost of
  the code that imported torch while building the parser;
* ``old code`` (with ``--old-code DIR``): the command run from DIR, a checkout of the
  earlier code laid out as an importable ``graphkit`` package (``graphkit/launch``,
  ``graphkit/extras`` and so on), put first on ``PYTHONPATH``.

Bare ``python -c pass`` and ``python -c 'import torch'`` processes are timed as floors.
Each process's CPU time is user plus system time, from ``getrusage`` of the finished
child, and the lowest of ``--repeats`` runs is kept.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/cli_startup.py [--repeats 5] [--old-code DIR]
"""

from __future__ import annotations

import argparse
import os
import sys

from kg_cli_startup import RUN_COMMAND, child_cpu_seconds

COMMANDS = (
    ("--help",),
    ("train", "--help"),
    ("kg", "evaluate", "--help"),
    ("extras", "list"),
)

# The imports that the earlier code ran before it printed anything, where they are more
# than ``import torch``.
TORCH_FIRST = {
    ("extras", "list"): "from graphkit.extras import registry; registry.discover()",
}


def timed_variants(command: tuple[str, ...], old_code: str | None) -> dict[str, dict]:
    """Return the ``python`` arguments and environment of each kind of process."""
    prelude = TORCH_FIRST.get(command, "import torch")
    variants = {
        "now": {"arguments": ["-c", RUN_COMMAND.format(prelude=""), *command]},
        "torch first": {
            "arguments": ["-c", RUN_COMMAND.format(prelude=prelude), *command]
        },
    }
    if old_code is not None:
        variants["old code"] = {
            "arguments": ["-c", RUN_COMMAND.format(prelude=""), *command],
            "env": {"PYTHONPATH": old_code},
            "cwd": old_code,
        }
    return variants


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="runs of each process kind, of which the lowest CPU time is kept",
    )
    parser.add_argument(
        "--old-code",
        default=None,
        metavar="DIR",
        help="folder containing the earlier code as an importable graphkit package",
    )
    args = parser.parse_args(argv)
    if args.old_code is not None:
        args.old_code = os.path.abspath(args.old_code)
        if not os.path.isfile(
            os.path.join(args.old_code, "graphkit", "launch", "cli.py")
        ):
            sys.exit(
                f"--old-code {args.old_code}: graphkit/launch/cli.py not found. Give a "
                "folder that contains the earlier code as a graphkit package, with launch/, "
                "extras/ and the other top-level folders moved under graphkit/"
            )

    floors = {
        "python -c pass": ["-c", "pass"],
        "python -c 'import torch'": ["-c", "import torch"],
    }
    best = {name: float("inf") for name in floors}
    rows = {command: {} for command in COMMANDS}
    for _ in range(args.repeats):
        for name, arguments in floors.items():
            best[name] = min(best[name], child_cpu_seconds(arguments))
        for command in COMMANDS:
            for kind, variant in timed_variants(command, args.old_code).items():
                seconds = child_cpu_seconds(
                    variant["arguments"], variant.get("env"), variant.get("cwd")
                )
                rows[command][kind] = min(
                    rows[command].get(kind, float("inf")), seconds
                )

    kinds = list(next(iter(rows.values())))
    header = " | ".join(f"{kind} CPU s" for kind in kinds)
    ratios = " | ".join(f"now / {kind}" for kind in kinds[1:])
    print(f"| command | {header} | {ratios} |")
    print("| --- |" + " ---: |" * (2 * len(kinds) - 1))
    for command, seconds in rows.items():
        cells = " | ".join(f"{seconds[kind]:.2f}" for kind in kinds)
        shares = " | ".join(
            f"{seconds['now'] / seconds[kind]:.2f}" for kind in kinds[1:]
        )
        print(f"| `graphkit {' '.join(command)}` | {cells} | {shares} |")
    for name, seconds in best.items():
        print(f"{name}: {seconds:.2f} CPU s")


if __name__ == "__main__":
    main()
