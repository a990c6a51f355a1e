"""Short ULTRA pre-training from random weights on real graphs, interrupted and resumed.

Usage::

    python benchmarks/ultra_pretrain.py --root DATA/kg --out RUN_DIR \\
        [--steps 200 --interrupt-at 100 --train fb237_v1 WN18RR_v1 nell_v1]

1. ``graphkit kg pretrain`` starts from seeded random weights on the training graphs of
   ``--train`` and writes a checkpoint every ``--interrupt-at`` steps. Once
   ``step_<interrupt-at>.pth`` exists the script terminates the process, as a crash would.
2. The same command with ``--resume step_<interrupt-at>.pth`` continues to ``--steps``.
3. Every weight set (random start, the interrupted checkpoint, the final one) is evaluated
   zero-shot on the test queries of ``--evaluate``: the inference graphs of GraIL splits,
   whose entities never occur in the training graphs.

The loss per 10 steps comes from the training logs. Results go to ``RUN_DIR/results.json``
and a markdown table on stdout. The run is far shorter and uses smaller batches than the
training of the published checkpoints. It shows that the loop works end to end on real
data, but its quality is not comparable to theirs.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

STEP_LINE = re.compile(r"step (\d+)/\d+: loss ([0-9.]+)")


def train_command(args: argparse.Namespace, *extra: str) -> list[str]:
    command = [sys.executable, "-m", "graphkit.launch.cli", "kg", "pretrain"]
    for name in args.train:
        command += ["--dataset", name]
    command += [
        "--root",
        str(args.root),
        "--out",
        str(args.out / "run"),
        "--steps",
        str(args.steps),
        "--batch-size",
        str(args.batch_size),
        "--negatives",
        str(args.negatives),
        "--lr",
        str(args.lr),
        "--seed",
        str(args.seed),
        "--threads",
        str(args.threads),
        "--checkpoint-every",
        str(args.interrupt_at),
    ]
    return command + list(extra)


def run_interrupted(args: argparse.Namespace) -> dict:
    """Run phase 1 until ``step_<interrupt-at>.pth`` appears, then phase 2 with --resume.

    Returns the wall-clock seconds of each phase.
    """
    folder = args.out / "run"
    checkpoint = folder / f"step_{args.interrupt_at}.pth"
    timings = {}
    started = time.perf_counter()
    with open(args.out / "phase1.log", "w") as log:
        process = subprocess.Popen(train_command(args), stderr=log, stdout=log)
        while process.poll() is None and not checkpoint.is_file():
            time.sleep(2)
        if process.poll() is None:
            process.terminate()
        process.wait()
    timings["phase1_seconds"] = time.perf_counter() - started
    if not checkpoint.is_file():
        raise RuntimeError(
            f"phase 1 ended with exit code {process.returncode} before writing "
            f"{checkpoint}. See {args.out / 'phase1.log'}"
        )
    started = time.perf_counter()
    with open(args.out / "phase2.log", "w") as log:
        code = subprocess.call(
            train_command(args, "--resume", str(checkpoint)), stderr=log, stdout=log
        )
    timings["phase2_seconds"] = time.perf_counter() - started
    if code != 0:
        raise RuntimeError(
            f"resumed run failed with exit code {code}. See {args.out / 'phase2.log'}"
        )
    return timings


def logged_losses(args: argparse.Namespace) -> dict[int, float]:
    """Parse the mean loss of each 10-step window from both phase logs.

    Returns the losses keyed by the last step of each window.
    """
    losses = {}
    for name in ("phase1.log", "phase2.log"):
        text = (args.out / name).read_text(errors="replace").replace("\r", "\n")
        for match in STEP_LINE.finditer(text):
            losses[int(match.group(1))] = float(match.group(2))
    return dict(sorted(losses.items()))


def evaluate_weights(args: argparse.Namespace) -> list[dict]:
    import torch

    from graphkit.kg import Ultra, evaluate, load_dataset

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    weights = {"random start (step 0)": Ultra()}
    for label, path in (
        (
            f"step {args.interrupt_at}",
            args.out / "run" / f"step_{args.interrupt_at}.pth",
        ),
        (f"step {args.steps} (resumed)", args.out / "run" / "last.pth"),
    ):
        weights[label] = Ultra.from_pretrained(path)
    rows = []
    for name in args.evaluate:
        split = load_dataset(args.root, name)
        for label, model in weights.items():
            started = time.perf_counter()
            metrics = evaluate(model, split.test, batch_size=32)
            metrics["seconds"] = time.perf_counter() - started
            rows.append({"split": name, "weights": label, **metrics})
            print(
                f"{name} {label}: MRR {metrics['mrr']:.4f} Hits@10 "
                f"{metrics['hits@10']:.4f}",
                file=sys.stderr,
                flush=True,
            )
    return rows


def markdown(rows: list[dict]) -> str:
    lines = [
        "| test split | weights | MRR | Hits@1 | Hits@10 | ranks |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['split']} | {row['weights']} | {row['mrr']:.3f} "
            f"| {row['hits@1']:.3f} | {row['hits@10']:.3f} | {row['num_ranks']:,} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", type=Path, required=True, help="folder of GraIL splits"
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="new output folder for the run"
    )
    parser.add_argument(
        "--train", nargs="+", default=["fb237_v1", "WN18RR_v1", "nell_v1"]
    )
    parser.add_argument(
        "--evaluate", nargs="+", default=["fb237_v1", "WN18RR_v1", "nell_v1"]
    )
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--interrupt-at", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--negatives", type=int, default=128)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--skip-training",
        action="store_true",
        help="only evaluate the checkpoints already in RUN_DIR/run",
    )
    args = parser.parse_args()
    if not 0 < args.interrupt_at < args.steps:
        parser.error("--interrupt-at must be between 0 and --steps")

    args.out.mkdir(parents=True, exist_ok=True)
    timings = {} if args.skip_training else run_interrupted(args)
    losses = logged_losses(args)
    rows = evaluate_weights(args)

    settings = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    result = {"settings": settings, "timings": timings, "losses": losses, "rows": rows}
    (args.out / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({"timings": timings, "losses": losses}))
    print(markdown(rows))


if __name__ == "__main__":
    main()
