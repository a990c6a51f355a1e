"""The checkpoint folder of a training run: ``step_<n>.pth`` files and ``last.pth``.

A new run in a folder with another run's checkpoints would replace ``last.pth`` and the
``step_<n>.pth`` files of the steps it reaches but keep the others, which would then mix
two runs in one folder. So :func:`~graphkit.kg.train.pretrain`,
:func:`~graphkit.kg.train.finetune` and ``graphkit kg pretrain`` and ``finetune`` reject
such a folder unless the run resumes.
"""

from __future__ import annotations

import re
from pathlib import Path

from graphkit.option_names import option

_STEP_NAME = re.compile(r"step_(\d+)\.pth")


def earlier_checkpoints(folder: str | Path) -> list[str]:
    """Return the names of the run checkpoints in ``folder``: steps in order, then last.

    A folder that does not exist contains none. Other files, and folders with these
    names, are left out.
    """
    folder = Path(folder)
    steps = []
    for path in folder.glob("step_*.pth"):
        match = _STEP_NAME.fullmatch(path.name)
        if match is not None and path.is_file():
            steps.append((int(match.group(1)), path.name))
    names = [name for _, name in sorted(steps)]
    if (folder / "last.pth").is_file():
        names.append("last.pth")
    return names


def latest_checkpoint(names: list[str]) -> str:
    """Return the checkpoint of :func:`earlier_checkpoints` to resume from.

    That is ``last.pth`` when present, else the ``step_<n>.pth`` of the highest step.
    """
    return names[-1]


def format_names(names: list[str]) -> str:
    """Return the first three names, and how many more there are."""
    text = ", ".join(names[:3])
    if len(names) > 3:
        text += f" and {len(names) - 3} more"
    return text


def check_new_run_folder(folder: str | Path) -> None:
    """Raise ValueError when ``folder`` contains the checkpoints of an earlier run.

    The message names the folder and its checkpoints, the ``resume`` argument that
    continues that run, and the other fix, another ``checkpoint_dir``.
    """
    names = earlier_checkpoints(folder)
    if not names:
        return
    latest = str(Path(folder) / latest_checkpoint(names))
    raise ValueError(
        f"{option('checkpoint_dir')} {folder} already contains checkpoints of an "
        f"earlier run ({format_names(names)}). Pass {option('resume', latest)} to "
        f"continue that run, or choose another {option('checkpoint_dir')}"
    )


def check_no_checkpoint_folders(folder: str | Path) -> None:
    """Raise ValueError when ``folder`` contains a folder named like a checkpoint.

    :func:`earlier_checkpoints` leaves such folders out, but a run that reaches that
    step, or its end for ``last.pth``, could not write its checkpoint there and would
    stop after the training time was spent.
    """
    folder = Path(folder)
    blocked = [
        path.name
        for path in sorted(folder.glob("step_*.pth"))
        if _STEP_NAME.fullmatch(path.name) is not None and path.is_dir()
    ]
    if (folder / "last.pth").is_dir():
        blocked.append("last.pth")
    if blocked:
        raise ValueError(
            f"{option('checkpoint_dir')} {folder} contains folders named like "
            f"checkpoints ({format_names(blocked)}), where the run would write its "
            "checkpoint files. Rename or remove them, or choose another "
            f"{option('checkpoint_dir')}"
        )
