"""``graphkit kg finetune`` and ``pretrain``: train ULTRA into --out with checkpoints."""

from __future__ import annotations

import logging
from pathlib import Path

from graphkit.launch.interrupts import describe_interrupt
from graphkit.launch.kg_setup import (
    load_model,
    require_root,
    setup_command,
    show_progress,
)
from graphkit.launch.outputs import check_output_folder_path

from graphkit.link_loops import is_link_loop, link_loop_message

log = logging.getLogger(__name__)


def _check_no_earlier_checkpoints(out: Path) -> None:
    """Stop before a new run overwrites ``last.pth`` or ``step_N.pth`` of another run.

    A new run would replace ``last.pth`` and some ``step_N.pth`` files but keep the
    others, which would then mix two runs in one folder.
    """
    from graphkit.kg.checkpoint_folder import check_new_run_folder

    try:
        # Its errors name the command-line flags, through cmd_kg.OPTION_FLAGS.
        check_new_run_folder(out)
    except ValueError as error:
        raise SystemExit(str(error)) from None


def run_training(args) -> int:
    """Create --out and train into it, removing it on failure if it is new and empty."""
    setup_command(args)
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
    from graphkit.kg.pretraining_graphs import pretraining_note

    if args.resume is None:
        _check_no_earlier_checkpoints(args.out)
    if not args.dataset and not args.graph:
        raise SystemExit(
            "give at least one --dataset (with --root) or --graph to train on"
        )
    if args.evaluate and not args.dataset:
        # A --graph file contains facts only, so --evaluate would have no queries to rank.
        raise SystemExit(
            "--evaluate ranks the test queries of each --dataset, but none is given "
            "(--graph files have no test queries). Add a --dataset with --root, or "
            "leave out --evaluate"
        )
    splits = [load_dataset(require_root(args), name) for name in args.dataset]
    graphs = [split.train.graph for split in splits] + [
        load_graph(p, header=args.header) for p in args.graph
    ]
    if args.resume is not None:
        if args.resume.is_dir():
            last = args.resume / "last.pth"
            example = f", such as {last}" if last.is_file() else ""
            raise SystemExit(
                f"--resume {args.resume} is a folder. Give a step_N.pth or last.pth "
                f"file written by an earlier run{example}"
            )
        if is_link_loop(args.resume):
            raise SystemExit(link_loop_message(args.resume, "--resume"))
        if not args.resume.is_file():
            raise SystemExit(
                f"--resume {args.resume}: file not found; give a step_N.pth or "
                "last.pth written by an earlier run"
            )
        model = Ultra.from_pretrained(args.resume, aggregation=args.aggregation)
        model = model.to(args.device)
    elif args.checkpoint:
        model = load_model(args)
    else:
        torch.manual_seed(args.seed)  # the initial weights depend on --seed too
        model = Ultra(aggregation=args.aggregation).to(args.device)
    if args.evaluate and args.checkpoint and args.resume is None:
        # The "before" ranks are those of the loaded checkpoint itself, so they are not
        # zero-shot on a split that the released checkpoint was pre-trained on.
        for split in splits:
            note = pretraining_note(args.checkpoint, require_root(args), split.name)
            if note is not None:
                log.warning(note)
    # The notes above name the command's --checkpoint, so evaluate logs none.
    before = (
        [
            evaluate(model, s.test, progress=show_progress(), warn_pretraining=False)
            for s in splits
        ]
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
            progress=show_progress(),
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
            new = evaluate(model, split.test, progress=show_progress())
            print(
                f"{split.name} test MRR {old['mrr']:.4f} -> {new['mrr']:.4f}, "
                f"Hits@10 {old['hits@10']:.4f} -> {new['hits@10']:.4f}"
            )
    return 0
