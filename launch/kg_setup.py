"""Shared start of the ``graphkit kg`` commands: logging, threads, device and model.

torch is imported inside the functions, so that building the parser does not import it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from graphkit.launch.logs import setup_logging


def show_progress() -> bool:
    """Return whether to draw progress bars: only when stderr is a terminal.

    Written to a file or a pipe, each redraw of a bar would add a line to the log.
    """
    return sys.stderr.isatty()


def setup_command(args) -> None:
    """Set up logging, apply --threads and check --device before a kg command runs."""
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


def load_model(args):
    """Load the --checkpoint model with --aggregation and move it to --device."""
    from graphkit.kg import Ultra

    model = Ultra.from_pretrained(args.checkpoint, aggregation=args.aggregation)
    return model.to(args.device)


def require_root(args) -> Path:
    """Return --root, or exit with a hint when it is missing."""
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

