"""``graphkit kg evaluate``: filtered MRR and Hits@1/3/10 of a dataset's queries."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

from graphkit.launch.interrupts import describe_interrupt
from graphkit.launch.kg_setup import (
    load_model,
    require_root,
    setup_command,
    show_progress,
)
from graphkit.launch.outputs import check_output_file, write_text_atomically

log = logging.getLogger(__name__)


def run_evaluate(args) -> int:
    """Rank the --split queries of --dataset and print (and optionally save) metrics."""
    from graphkit.kg import evaluate, load_dataset
    from graphkit.kg.pretraining_graphs import pretraining_note

    setup_command(args)
    if args.json is not None:
        check_output_file(args.json, "--json")
    root = require_root(args)
    split = load_dataset(root, args.dataset)
    if args.json is not None:
        _reject_json_in_dataset(args.json, root, split.name)
    target = split.test if args.split == "test" else split.valid
    if target.queries.numel() == 0:
        _exit_empty_split(root, split.name, args.split)
    model = load_model(args)
    note = pretraining_note(args.checkpoint, root, split.name)
    if note is not None:
        log.warning(note)
    started = time.perf_counter()
    try:
        metrics = evaluate(
            model,
            target,
            batch_size=args.batch_size,
            progress=show_progress(),
            ties=args.ties,
            # The note above names the command's --checkpoint, so evaluate logs none.
            warn_pretraining=False,
        )
    except KeyboardInterrupt as error:
        if args.json is not None:
            describe_interrupt(error, kept=f"--json {args.json} was not written")
        raise
    metrics["seconds"] = time.perf_counter() - started
    metrics["ties"] = args.ties
    metrics["dataset"], metrics["split"] = args.dataset, args.split
    # Record what produced the numbers, so that saved files of several checkpoints are
    # distinguishable. The aggregation path (and, on the plain path, the batch size)
    # changes float round-off, which can break ties between candidates the other way.
    metrics["checkpoint"] = args.checkpoint
    metrics["aggregation"], metrics["batch_size"] = args.aggregation, args.batch_size
    print(
        f"{args.dataset} ({args.split}, {metrics['num_ranks']} ranks): "
        f"{_format_metrics(metrics)}  ({metrics['seconds']:.1f} s)"
    )
    _print_uninformed(metrics)
    if args.json is not None:
        text = json.dumps(metrics, indent=2) + "\n"
        if not _write_results(args.json, "--json", text):
            return 1
    return 0


def _reject_json_in_dataset(path: Path, root: Path, name: str) -> None:
    """Raise ValueError when ``--json`` is an existing data file of the dataset.

    The dataset folders (``NAME`` and ``NAME_ind``) hold the triple files that
    evaluate reads, so the metrics written over one would replace the dataset. An
    existing ``.json`` file there counts as an earlier result, which may be replaced.
    For a symbolic link, the file it points to is checked, because the write
    replaces that file.
    """
    target = Path(os.path.realpath(path))
    if not target.is_file() or target.suffix.lower() == ".json":
        return
    folder = target.parent
    for dataset_folder in (root / name, root / f"{name}_ind"):
        if dataset_folder.is_dir() and os.path.samefile(folder, dataset_folder):
            raise ValueError(
                f"--json {path} is a file of the dataset folder {dataset_folder}, "
                "which the metrics would replace. Give a --json file that ends in "
                ".json or lies outside the dataset folders"
            )


def _format_metrics(metrics: dict, prefix: str = "") -> str:
    return (
        f"MRR {metrics[prefix + 'mrr']:.4f}  Hits@1 {metrics[prefix + 'hits@1']:.4f}  "
        f"Hits@3 {metrics[prefix + 'hits@3']:.4f}  "
        f"Hits@10 {metrics[prefix + 'hits@10']:.4f}"
    )


def _print_uninformed(metrics: dict) -> None:
    """Print how many ranks are uninformed and the metrics over the other ranks.

    Prints nothing when every query names only entities and relations with facts.
    """
    count = metrics["num_uninformed_ranks"]
    if count == 0:
        return
    print(
        f"  {count} of {metrics['num_ranks']} ranks are uninformed: their query row "
        "names an entity or relation without facts in the graph ranked on"
    )
    informed = metrics["informed_num_ranks"]
    if informed == 0:
        print("  no informed ranks remain, so the metrics above are all uninformed")
        return
    print(
        f"  over the other {informed} ranks: "
        f"{_format_metrics(metrics, prefix='informed_')}"
    )


def _write_results(path: Path, option: str, text: str) -> bool:
    """Write an output file after the results are printed, or log why it failed.

    Returns False after a failed write, for which the command exits with code 1. The
    folder was checked at start-up, but it can become unwritable or full during the
    run, and a traceback would then hide the printed results.
    """
    try:
        write_text_atomically(path, text)
    except OSError as error:
        log.error(
            "cannot write %s %s (%s); the results are printed above",
            option,
            path,
            error.strerror or error,
        )
        return False
    return True


def _exit_empty_split(root: Path, name: str, split: str) -> None:
    """Exit with an error that names the empty query files of ``split``.

    It runs before the model loads, so the error comes at once.
    """
    from graphkit.kg.layouts import inference_layout

    root = root.expanduser()
    layout = None if (root / f"{name}_ind").is_dir() else inference_layout(root / name)
    if layout is not None:
        files = [root / name / (layout.valid if split == "valid" else layout.test)]
    elif split == "valid":
        files = [root / name / "valid.txt"]
    elif (root / f"{name}_ind").is_dir():
        files = [root / f"{name}_ind" / "valid.txt", root / f"{name}_ind" / "test.txt"]
    else:
        files = [root / name / "test.txt"]
    other = "valid" if split == "test" else "test"
    raise SystemExit(
        f"{name}/{split} has no query triples, so MRR and Hits@k are undefined: "
        f"{' and '.join(str(f) for f in files)} "
        f"{'contains' if len(files) == 1 else 'contain'} no rows. Add head, relation, "
        f"tail rows there, or pass --split {other}"
    )

