"""``graphkit kg``: ULTRA link prediction on knowledge graphs (evaluate, predict, train).

Examples::

    graphkit kg list --root DATA/kg
    graphkit kg evaluate --checkpoint ultra_3g.pth --dataset fb237_v1 --root DATA/kg
    graphkit kg predict --checkpoint ultra_3g.pth --graph triples.tsv --head X --relation R
    graphkit kg finetune --checkpoint ultra_3g.pth --dataset fb237_v1 --root DATA/kg \\
        --steps 200 --out runs/ft
    graphkit kg pretrain --dataset fb237_v1 --dataset WN18RR_v1 --root DATA/kg --out runs/pt
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

# torch is imported inside the functions that run a command, so that building the
# parser (graphkit --help) does not import it.
from graphkit.launch.interrupts import describe_interrupt
from graphkit.launch.logs import setup_logging
from graphkit.launch.outputs import (
    check_output_file,
    check_output_folder_path,
    path_option,
    write_text_atomically,
)

log = logging.getLogger(__name__)

# Flags of graphkit kg whose names differ from the library arguments they set, so that
# errors raised by graphkit.kg name the flag (see graphkit.option_names).
OPTION_FLAGS = {
    "num_negatives": "--negatives",
    "adversarial_temperature": "--temperature",
    "checkpoint_dir": "--out",
    "path_or_url": "--checkpoint",
    "k": "--top-k",
}


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of at least 1, got {text}"
        )
    return value


def _show_progress() -> bool:
    """Return whether to draw progress bars: only when stderr is a terminal.

    Written to a file or a pipe, each redraw of a bar would add a line to the log.
    """
    return sys.stderr.isatty()


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "kg",
        help="ULTRA zero-shot link prediction on knowledge graphs",
        description="Evaluate, query and train ULTRA, a link-prediction model that "
        "works on knowledge graphs it was not trained on.",
    )
    commands = parser.add_subparsers(dest="kg_command", metavar="ACTION")
    _add_list(commands)
    _add_evaluate(commands)
    _add_predict(commands)
    _add_training(commands, "finetune", "fine-tune a checkpoint on one or more graphs")
    _add_training(
        commands, "pretrain", "train on several graphs (from scratch by default)"
    )
    parser.set_defaults(
        func=lambda args: parser.print_help() or 2, option_flags=OPTION_FLAGS
    )


def _add_common(
    parser: argparse.ArgumentParser, checkpoint_required: bool = True
) -> None:
    parser.add_argument(
        "--checkpoint",
        required=checkpoint_required,
        metavar="PATH",
        help="checkpoint file, URL, or released name (ultra_3g, ultra_4g, "
        "ultra_50g; downloaded once and verified by SHA-256)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch CPU threads (default: torch's own choice)",
    )
    parser.add_argument(
        "--aggregation",
        choices=("lean", "plain"),
        default="lean",
        help="message aggregation path (default: lean)",
    )
    parser.add_argument("--device", default="cpu", help="torch device (default: cpu)")


def _add_dataset(parser: argparse.ArgumentParser, repeat: bool = False) -> None:
    parser.add_argument(
        "--dataset",
        required=not repeat,
        action="append" if repeat else None,
        default=[] if repeat else None,
        metavar="NAME",
        help="dataset folder under --root: a GraIL split such as fb237_v1 "
        "(with NAME_ind beside it) or a train/valid/test folder"
        + ("; repeat for several" if repeat else ""),
    )
    parser.add_argument(
        "--root",
        default=os.environ.get("GRAPHKIT_DATA"),
        help="folder holding the datasets (default: $GRAPHKIT_DATA)",
    )


def _add_list(commands) -> None:
    parser = commands.add_parser(
        "list",
        help="released checkpoints and the datasets under --root",
        description="List the released checkpoint names that --checkpoint accepts "
        "(and whether each is in the download cache) and the dataset folders under "
        "--root that --dataset accepts.",
    )
    parser.add_argument(
        "--root",
        default=os.environ.get("GRAPHKIT_DATA"),
        help="folder that contains the datasets (default: $GRAPHKIT_DATA)",
    )
    parser.set_defaults(func=run_list)


def run_list(args) -> int:
    """Print the released checkpoints and the dataset folders under ``args.root``."""
    from graphkit.kg import list_datasets, released_checkpoints
    from graphkit.kg.checkpoint import default_cache_dir

    datasets = None
    if args.root:
        try:
            datasets = list_datasets(args.root)
        except FileNotFoundError as error:
            raise SystemExit(f"--root: {error}") from None
    print(f"released checkpoints (--checkpoint NAME, cache {default_cache_dir()}):")
    for name, path in released_checkpoints().items():
        print(f"  {name:<10} {path if path else 'not downloaded'}")
    if datasets is None:
        print("datasets: pass --root (or set GRAPHKIT_DATA) to list them")
        return 0
    print(f"datasets under {args.root} (--dataset NAME):")
    for name, kind in datasets.items():
        detail = (
            f"GraIL split ({name}/ and {name}_ind/)"
            if kind == "grail"
            else "transductive (train/valid/test.txt)"
        )
        print(f"  {name:<12} {detail}")
    if not datasets:
        print("  none: no folder with train.txt or a NAME_ind sibling")
        root = Path(args.root).expanduser()
        if (root / "train.txt").is_file():
            print(
                f"  {root} contains train.txt, so it is a dataset folder itself: "
                f"pass --root {root.parent}"
            )
        # A graphkit data root keeps knowledge graphs in kg/, beside graphs/.
        inner = root / "kg"
        if inner.is_dir() and list_datasets(inner):
            print(f"  {inner} contains datasets: pass --root {inner}")
    return 0


def _add_evaluate(commands) -> None:
    parser = commands.add_parser(
        "evaluate",
        help="filtered ranking: MRR and Hits@1/3/10",
        description="Rank every test (or validation) query of a dataset against all "
        "entities and print the filtered MRR and Hits@1/3/10.",
    )
    _add_common(parser)
    _add_dataset(parser)
    parser.add_argument(
        "--split",
        choices=("test", "valid"),
        default="test",
        help="test (the default): the test queries, in test.txt of a transductive "
        "folder, or in NAME_ind/valid.txt and test.txt on the inference graph of a "
        "GraIL split. valid: valid.txt on the training graph",
    )
    parser.add_argument(
        "--batch-size",
        type=_positive_int,
        default=16,
        help="queries scored together (default: 16)",
    )
    parser.add_argument(
        "--ties",
        choices=("pessimistic", "optimistic", "realistic"),
        default="pessimistic",
        help="rank of an answer scored equal to other candidates: after all of them "
        "(pessimistic, as the ULTRA reference code), before all of them "
        "(optimistic), or the mean of both (realistic) (default: pessimistic)",
    )
    parser.add_argument(
        "--json",
        type=path_option,
        default=None,
        metavar="FILE",
        help="also write the metrics to this JSON file",
    )
    parser.set_defaults(func=run_evaluate)


def _add_predict(commands) -> None:
    parser = commands.add_parser(
        "predict",
        help="top-k predicted entities of one query, by name",
        description="Print the top-k predicted entities of one query, (HEAD, RELATION, ?) or "
        "(?, RELATION, TAIL), on a triple file with string ids.",
    )
    _add_common(parser)
    parser.add_argument(
        "--graph",
        required=True,
        type=path_option,
        metavar="FILE",
        help="TSV/CSV file of head, relation, tail rows (string ids)",
    )
    _add_header(parser)
    side = parser.add_mutually_exclusive_group(required=True)
    side.add_argument(
        "--head", help="head entity: predict tails of (HEAD, RELATION, ?)"
    )
    side.add_argument(
        "--tail", help="tail entity: predict heads of (?, RELATION, TAIL)"
    )
    parser.add_argument("--relation", required=True, help="relation name")
    parser.add_argument(
        "-k", "--top-k", type=_positive_int, default=10, help="answers (default: 10)"
    )
    parser.add_argument(
        "--exclude-known",
        action="store_true",
        help="leave out answers that already form a fact in the graph",
    )
    parser.set_defaults(func=run_predict)


def _add_header(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--header",
        action="store_true",
        help="skip the first row of each --graph file (a column header such as "
        "head,relation,tail), which would otherwise load as a fact",
    )


def _add_training(commands, name: str, help_text: str) -> None:
    parser = commands.add_parser(
        name,
        help=help_text,
        description=f"ULTRA {name}: {help_text}, with checkpoints in --out.",
    )
    _add_common(parser, checkpoint_required=name == "finetune")
    _add_dataset(parser, repeat=True)
    parser.add_argument(
        "--graph",
        action="append",
        default=[],
        type=path_option,
        metavar="FILE",
        help="TSV/CSV triple file to train on; repeat for several",
    )
    _add_header(parser)
    parser.add_argument(
        "--out",
        required=True,
        type=path_option,
        help="folder for checkpoints (last.pth, step_N.pth)",
    )
    parser.add_argument(
        "--steps", type=int, default=100, help="optimizer steps (default: 100)"
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=16,
        help="facts per step, half tail and half head queries (default: 16)",
    )
    parser.add_argument(
        "--negatives",
        type=int,
        default=256,
        help="negative entities per query (default: 256)",
    )
    parser.add_argument(
        "--lr", type=float, default=5e-4, help="AdamW learning rate (default: 5e-4)"
    )
    parser.add_argument(
        "--temperature",
        type=float,
        default=1.0,
        help="self-adversarial temperature; 0 = uniform weights (default: 1.0)",
    )
    parser.add_argument(
        "--checkpoint-every",
        type=int,
        default=0,
        help="steps between checkpoints (default: 0, only the last)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the sampler and, without --checkpoint, of the initial weights "
        "(default: 0)",
    )
    parser.add_argument(
        "--resume",
        type=path_option,
        default=None,
        metavar="FILE",
        help="continue an interrupted run from its step_N.pth or last.pth up to "
        "--steps (give the same graphs and settings)",
    )
    parser.add_argument(
        "--evaluate",
        action="store_true",
        help="evaluate each --dataset's test split before and after",
    )
    parser.set_defaults(func=run_training, training_mode=name)


def _setup(args) -> None:
    import torch

    setup_logging()
    if args.threads is not None:
        if args.threads < 1:
            raise SystemExit(f"--threads must be at least 1, got {args.threads}")
        torch.set_num_threads(args.threads)
    _check_device(args.device)


def _check_device(name: str) -> None:
    """Exit with a message when ``--device`` is not a device this torch can use.

    Without this check a missing GPU surfaces as a traceback from ``model.to``.
    """
    import torch

    try:
        device = torch.device(name)
    except RuntimeError:
        raise SystemExit(
            f"--device {name!r} is not a torch device; pass cpu, cuda or cuda:N"
        ) from None
    if device.type == "meta":
        raise SystemExit(
            "--device meta stores no values, so the model cannot rank on it. Pass "
            "cpu, cuda or cuda:N"
        )
    if device.type not in ("cpu", "cuda"):
        # Other backends (mps, xpu) fail in model.to with a traceback when this torch
        # build or machine lacks them (RuntimeError for mps, AssertionError for xpu),
        # so try a one-element tensor first.
        try:
            torch.empty(1, device=device)
        except (RuntimeError, AssertionError, NotImplementedError) as error:
            # Keep the first sentence only, because torch's mps message goes on to
            # list every backend.
            detail = (str(error).splitlines() or [type(error).__name__])[0]
            detail = detail.split(". ")[0].rstrip(".")
            raise SystemExit(
                f"--device {name}: torch {torch.__version__} cannot use it on this "
                f"machine ({detail}). Pass --device cpu"
            ) from None
        return
    if device.type != "cuda":
        return
    if not torch.cuda.is_available():
        raise SystemExit(
            f"--device {name} was requested but torch.cuda.is_available() is False "
            f"(no GPU, or torch {torch.__version__} is built without CUDA). Pass "
            "--device cpu"
        )
    count = torch.cuda.device_count()
    if device.index is not None and device.index >= count:
        raise SystemExit(
            f"--device {name}: this machine has {count} CUDA device(s), numbered "
            f"0 to {count - 1}"
        )


def _load_model(args):
    from graphkit.kg import Ultra

    model = Ultra.from_pretrained(args.checkpoint, aggregation=args.aggregation)
    return model.to(args.device)


def _require_root(args) -> Path:
    if not args.root:
        names = args.dataset if isinstance(args.dataset, list) else [args.dataset]
        folders = [Path(name) for name in names if Path(name).expanduser().is_dir()]
        hint = ""
        if folders:
            # A path given as --dataset names the dataset folder, so --root must be
            # its parent.
            folder = Path(os.path.normpath(folders[0]))
            hint = (
                f". {folders[0]} is a folder, so pass --root {folder.parent} "
                f"--dataset {folder.name}"
            )
        raise SystemExit(
            "--root is required to find --dataset: pass the folder that contains the "
            "dataset folders (such as kg/ with fb237_v1/), or set GRAPHKIT_DATA to it"
            + hint
        )
    return Path(args.root)


def run_evaluate(args) -> int:
    from graphkit.kg import evaluate, load_dataset

    _setup(args)
    if args.json is not None:
        check_output_file(args.json, "--json")
    root = _require_root(args)
    split = load_dataset(root, args.dataset)
    target = split.test if args.split == "test" else split.train
    if target.queries.numel() == 0:
        _exit_empty_split(root, split.name, args.split)
    model = _load_model(args)
    started = time.perf_counter()
    try:
        metrics = evaluate(
            model,
            target,
            batch_size=args.batch_size,
            progress=_show_progress(),
            ties=args.ties,
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
    root = root.expanduser()
    if split == "valid":
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


def run_predict(args) -> int:
    from graphkit.kg import load_graph

    _setup(args)
    kg = load_graph(args.graph, header=args.header)
    model = _load_model(args)
    try:
        answers = model.predict(
            kg,
            head=args.head,
            relation=args.relation,
            tail=args.tail,
            k=args.top_k,
            exclude_known=args.exclude_known,
        )
    except KeyError as error:
        raise SystemExit(f"{args.graph}: {error.args[0]}") from None
    query = (
        f"({args.head}, {args.relation}, ?)"
        if args.head is not None
        else f"(?, {args.relation}, {args.tail})"
    )
    print(f"top {len(answers)} answers of {query}:")
    for rank, (name, logit) in enumerate(answers, start=1):
        print(f"{rank:>4}  {logit:9.4f}  {name}")
    return 0


def _check_no_earlier_checkpoints(out: Path) -> None:
    """Stop before a new run overwrites ``last.pth`` or ``step_N.pth`` of another run.

    A new run would replace ``last.pth`` and some ``step_N.pth`` files but keep the
    others, which would then mix two runs in one folder.
    """
    from graphkit.kg.checkpoint_folder import check_new_run_folder

    try:
        check_new_run_folder(out)  # its errors name the flags in OPTION_FLAGS
    except ValueError as error:
        raise SystemExit(str(error)) from None


def run_training(args) -> int:
    _setup(args)
    check_output_folder_path(args.out, "--out")
    created = not args.out.exists()
    # Create --out now, so that a folder that cannot be made fails before the
    # checkpoint is loaded and --evaluate runs, not after.
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SystemExit(
            f"--out {args.out}: cannot create the folder ({error.strerror}). "
            "Choose another --out folder"
        ) from None
    try:
        code = _train_into_out(args)
    except BaseException as error:
        _remove_if_empty(args.out, created)
        if isinstance(error, KeyboardInterrupt):
            describe_interrupt(error, kept=_kept_checkpoint(args.out))
        raise
    if code != 0:
        _remove_if_empty(args.out, created)
    return code


def _remove_if_empty(out: Path, created: bool) -> None:
    """Remove ``out`` if this run created it and it is empty.

    A run that fails before its first checkpoint then leaves no empty folder behind.
    """
    if created and out.is_dir() and not any(out.iterdir()):
        out.rmdir()


def _kept_checkpoint(out: Path) -> str:
    """Return a clause that names the newest checkpoint in ``out`` and how to resume.

    The newest is the one written last, because ``last.pth`` of an earlier run can be
    older than the ``step_N.pth`` files of a resumed one. Checkpoints are written to a
    ``.part`` file and renamed, so each one in ``out`` is complete.
    """
    from graphkit.kg.checkpoint_folder import earlier_checkpoints

    if not out.is_dir():
        return f"nothing was written to --out {out}"
    checkpoints = [out / name for name in earlier_checkpoints(out)]
    if not checkpoints:
        return (
            f"--out {out} contains no checkpoint (--checkpoint-every N writes one every "
            "N steps)"
        )
    # File times can be coarser than a step (a clock tick of a few ms), so equal times
    # go to the higher step, the later entry of earlier_checkpoints.
    times = [(path.stat().st_mtime_ns, index) for index, path in enumerate(checkpoints)]
    newest = checkpoints[max(times)[1]]
    return f"the newest checkpoint is {newest}, resume with --resume {newest}"


def _train_into_out(args) -> int:
    """Load the graphs and the model, then fine-tune or pre-train into ``args.out``."""
    import torch

    from graphkit.kg import Ultra, evaluate, load_dataset, load_graph, pretrain

    if args.resume is None:
        _check_no_earlier_checkpoints(args.out)
    if not args.dataset and not args.graph:
        raise SystemExit(
            "give at least one --dataset (with --root) or --graph to train on"
        )
    splits = [load_dataset(_require_root(args), name) for name in args.dataset]
    graphs = [split.train.graph for split in splits] + [
        load_graph(p, header=args.header) for p in args.graph
    ]
    if args.resume is not None:
        if not args.resume.is_file():
            raise SystemExit(
                f"--resume {args.resume}: file not found; give a step_N.pth or "
                "last.pth written by an earlier run"
            )
        model = Ultra.from_pretrained(args.resume, aggregation=args.aggregation)
        model = model.to(args.device)
    elif args.checkpoint:
        model = _load_model(args)
    else:
        torch.manual_seed(args.seed)  # the initial weights depend on --seed too
        model = Ultra(aggregation=args.aggregation).to(args.device)
    before = (
        [evaluate(model, s.test, progress=_show_progress()) for s in splits]
        if args.evaluate
        else []
    )
    try:
        pretrain(
            model,
            graphs,
            steps=args.steps,
            batch_size=args.batch_size,
            num_negatives=args.negatives,
            lr=args.lr,
            adversarial_temperature=args.temperature,
            checkpoint_dir=str(args.out),
            checkpoint_every=args.checkpoint_every,
            seed=args.seed,
            progress=_show_progress(),
            resume=args.resume,
        )
    except FloatingPointError as error:  # a NaN or infinite loss
        raise SystemExit(f"{args.training_mode} stopped: {error}") from None
    except OSError as error:
        # Most often a checkpoint write failed, because --out became full or unwritable
        # during the run. The checkpoints written before it are complete.
        log.error(
            "%s stopped: %s; %s",
            args.training_mode,
            error,
            _kept_checkpoint(args.out),
        )
        return 1
    print(
        f"{args.training_mode}: {args.steps} step{'' if args.steps == 1 else 's'}, "
        f"checkpoint {args.out / 'last.pth'}"
    )
    if args.evaluate:
        for split, old in zip(splits, before):
            new = evaluate(model, split.test, progress=_show_progress())
            print(
                f"{split.name} test MRR {old['mrr']:.4f} -> {new['mrr']:.4f}, "
                f"Hits@10 {old['hits@10']:.4f} -> {new['hits@10']:.4f}"
            )
    return 0
