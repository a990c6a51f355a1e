"""CPU time of dropout with the mask drawn from float64 uniforms against ``bernoulli_``.

The two variants alternate, and each case reports the median CPU time of
``--repeats`` rounds. The cases are:

* one dropout call (p = 0.5) on the node features: ``F.dropout`` against
  :func:`graphkit.nn.bernoulli_noise.dropout`, timed with ``time.process_time``;
* one epoch of ``graphkit.train.Trainer`` (a training step and an evaluation pass, the
  command's defaults) with the uniform draws against the same epoch with
  ``bernoulli_`` (the probe forced to report a mismatch), timed the same way;
* with ``--command-epochs N``, the whole ``graphkit train --dataset D --model M
  --epochs N`` command in fresh processes, timed as user plus system CPU time.

Both variants give bitwise equal outputs where the probe agrees
(``tests/core/test_bernoulli_noise.py``). The script prints whether it does.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/dropout_noise.py --root DATA/graphs \\
        [--dataset cora] [--models gcn sage gat] [--epochs 5] [--repeats 5] \\
        [--command-epochs 100]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from functools import partial
from unittest import mock

import torch
import torch.nn.functional as F


def median_cpu_seconds(variants: dict, calls: int, repeats: int) -> dict:
    """Return the median CPU seconds per call of each variant, run in alternation."""
    for function in variants.values():
        # An untimed first call builds the graph's caches (CSR blocks, transposes,
        # self-loops).
        function()
    times = {name: [] for name in variants}
    for _ in range(repeats):
        for name, function in variants.items():
            start = time.process_time()
            for _ in range(calls):
                function()
            times[name].append((time.process_time() - start) / calls)
    return {name: statistics.median(values) for name, values in times.items()}


def with_bernoulli(function):
    """Return ``function`` run with every dropout mask drawn by ``bernoulli_``."""
    from graphkit.nn import bernoulli_noise

    def run():
        with mock.patch.object(
            bernoulli_noise, "uniforms_match_bernoulli", lambda: False
        ):
            function()

    return run


# Source run by a child Python: the console command, with the probe forced to report
# a mismatch when the first argument is "1".
_COMMAND = """
import sys
from graphkit.nn import bernoulli_noise
if sys.argv.pop(1) == "1":
    bernoulli_noise.uniforms_match_bernoulli = lambda: False
from graphkit.launch.cli import run
sys.exit(run(sys.argv[1:]))
"""


def command_cpu_seconds(arguments: list[str], bernoulli: bool) -> float:
    """Return the user plus system CPU seconds of one ``graphkit`` command run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-c", _COMMAND, "1" if bernoulli else "0", *arguments],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="folder of the graph datasets")
    parser.add_argument("--dataset", default="cora", help="dataset name")
    parser.add_argument(
        "--models",
        nargs="+",
        default=["gcn", "sage", "gat"],
        help="models to time, as graphkit train --model takes them",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=5,
        help="epochs, and dropout calls, per timed round",
    )
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds per case")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument(
        "--command-epochs",
        type=int,
        default=0,
        help="also time the whole train command with this many epochs (0: skip)",
    )
    args = parser.parse_args(argv)

    from graphkit.launch.cmd_train import load_local

    from graphkit.nn.bernoulli_noise import dropout, uniforms_match_bernoulli
    from graphkit.train.config import TrainConfig
    from graphkit.train.trainer import Trainer

    torch.set_num_threads(args.threads)
    print(f"uniform draws match bernoulli_ in this build: {uniforms_match_bernoulli()}")
    print("case            uniforms CPU s  bernoulli_ CPU s  uniforms/bernoulli_")

    def report(case: str, best: dict) -> None:
        ratio = best["uniforms"] / best["bernoulli"]
        print(
            f"{case:<15} {best['uniforms']:>14.4f} {best['bernoulli']:>17.4f} "
            f"{ratio:>20.2f}",
            flush=True,
        )

    for model in args.models:
        config = TrainConfig(
            dataset=args.dataset, root=args.root, model=model, epochs=1, patience=0
        )
        graph, data = load_local(config)
        trainer = Trainer(config, data, graph)
        if model == args.models[0]:
            x = data.x.contiguous()
            calls = {
                "uniforms": partial(dropout, x, 0.5, True),
                "bernoulli": partial(F.dropout, x, 0.5, True),
            }
            report("dropout call", median_cpu_seconds(calls, args.epochs, args.repeats))

        def epoch(trainer=trainer):
            trainer.train_step()
            trainer.evaluate()

        epochs = {"uniforms": epoch, "bernoulli": with_bernoulli(epoch)}
        best = median_cpu_seconds(epochs, args.epochs, args.repeats)
        report(f"{model} epoch", best)
        if args.command_epochs > 0:
            command = ["train", "--dataset", args.dataset, "--root", args.root]
            command += ["--model", model, "--epochs", str(args.command_epochs)]
            runs = {
                "uniforms": partial(command_cpu_seconds, command, False),
                "bernoulli": partial(command_cpu_seconds, command, True),
            }
            times = {name: [] for name in runs}
            for _ in range(args.repeats):
                for name, function in runs.items():
                    times[name].append(function())
            medians = {
                name: statistics.median(values) for name, values in times.items()
            }
            report(f"{model} command", medians)


if __name__ == "__main__":
    main()
