"""Checkpoints written atomically and loaded with ``weights_only=True``."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

import torch

from graphkit.atomic_files import umask_file_mode, write_text_atomically
from graphkit.link_loops import is_link_loop, link_loop_message
from graphkit.option_names import from_command_line, option
from graphkit.train.out_lock import check_not_in_use

logger = logging.getLogger(__name__)


class CheckpointReadError(ValueError):
    """A checkpoint file that cannot be read: truncated, damaged or not a checkpoint."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(
            f"checkpoint {path} is unreadable or corrupted ({reason}). Pass another "
            f"checkpoint file, or {option('resume', 'auto')} to use the newest "
            f"readable one in the {option('out')} folder"
        )


def save_checkpoint(state: dict, path: str | Path) -> None:
    """Write ``state`` to ``path`` through a temporary file and an atomic rename.

    A crash while writing leaves the previous checkpoint intact, never a truncated one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(
        prefix=path.name + ".", suffix=".tmp", dir=path.parent
    )
    try:
        os.fchmod(handle, umask_file_mode())
        with os.fdopen(handle, "wb") as f:
            torch.save(state, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    logger.debug("wrote checkpoint %s", path)


def _starts_as_zip(path: Path) -> bool:
    """Return whether ``path`` begins with a zip header.

    torch.save writes a zip archive, and even a truncated one keeps that header.
    """
    with path.open("rb") as file:
        return file.read(4) == b"PK\x03\x04"


def resumes_in_place(out: str | Path, resume: str | None) -> bool:
    """Return whether ``resume`` continues the run whose files are in ``out``.

    Such a ``resume`` is ``"auto"`` or a checkpoint file inside ``out``. A checkpoint
    from another folder starts a new record in ``out``, which must then contain no
    other run.
    """
    if not resume:
        return False
    if resume == "auto":
        return True
    return Path(resume).resolve().parent == Path(out).resolve()


def check_no_earlier_run(out: Path, resume: str | None = None) -> None:
    """Raise ValueError when ``out`` contains the metrics or checkpoints of another run.

    A new run would append its records to the old ``metrics.jsonl``, and
    ``resume="auto"`` would later pick up the old run's checkpoints. A run resumed
    from ``resume``, a checkpoint in another folder, would also cut the old records
    after its epoch and overwrite the old checkpoints of the epochs it writes. The
    message names the flags ``--out`` and ``--resume`` when the caller is the command
    line, and the ``TrainConfig`` fields ``out`` and ``resume`` otherwise.
    """
    earlier = [out / "metrics.jsonl"] if (out / "metrics.jsonl").is_file() else []
    earlier += sorted(out.glob("checkpoint_*.pt"))
    earlier += [out / "best_model.pt"] if (out / "best_model.pt").is_file() else []
    if not earlier:
        return
    # The files of a run that still trains into out are no earlier run, and the
    # resume that the errors below advise would fail on the lock.
    check_not_in_use(out)
    if resume:
        # A folder (out itself, for one) gets the folder error, which names the fix,
        # and not the error about another folder's checkpoint below.
        reject_checkpoint_folder(Path(resume))
        raise ValueError(
            f"{option('out', str(out))} already contains {earlier[0].name} from an "
            f"earlier run, and {option('resume', resume)} is a checkpoint of another "
            f"folder, whose continued run would replace that run's records. Choose a "
            f"new {option('out')} folder, or pass {option('resume', 'auto')} to "
            f"continue the run in {out}"
        )
    if from_command_line():
        raise ValueError(
            f"--out {out} already contains {earlier[0].name} from an earlier run. Pass "
            "--resume auto to continue that run, or choose another --out folder"
        )
    raise ValueError(
        f"TrainConfig(out={str(out)!r}) already contains {earlier[0].name} from an "
        'earlier run. Pass TrainConfig(resume="auto") to continue that run, or choose '
        "another out folder"
    )


def reject_checkpoint_folder(path: Path) -> None:
    """Raise ValueError when the checkpoint ``path`` is a folder, naming the fix."""
    if path.is_dir():
        raise ValueError(
            f"checkpoint {path} is a folder. Pass a checkpoint_*.pt file in it, or "
            f"{option('resume', 'auto')} with {option('out', str(path))}"
        )


def load_checkpoint(path: str | Path, expected_graph: dict | None = None) -> dict:
    """Load a checkpoint and check it belongs to the same graph and partitioning.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: ``path`` is a folder.
        CheckpointReadError: the file is not a readable checkpoint.
        ValueError: its ``graph`` record (node, edge and partition counts) differs
            from ``expected_graph``.
    """
    path = Path(path)
    reject_checkpoint_folder(path)
    if is_link_loop(path):
        raise FileNotFoundError(link_loop_message(path, "checkpoint"))
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint {path} does not exist")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises several types for a damaged file
        if not _starts_as_zip(path):
            # torch.save writes a zip archive, and the unpickler's error for any other
            # file (a KeyError naming a byte value, for one) does not name the cause.
            raise CheckpointReadError(
                path, "not a file written by torch.save"
            ) from error
        # torch's message for a damaged zip runs to several sentences, so keep the first.
        text = str(error).strip()
        reason = text.splitlines()[0].split(". ")[0] if text else type(error).__name__
        raise CheckpointReadError(path, reason) from error
    if not isinstance(state, dict):
        raise CheckpointReadError(
            path, f"it contains a {type(state).__name__}, not a dict of training state"
        )
    if expected_graph is not None and "graph" not in state:
        raise CheckpointReadError(
            path, "no 'graph' record, so graphkit train did not write it"
        )
    if expected_graph is not None and state.get("graph") != expected_graph:
        raise ValueError(
            f"checkpoint {path} was written for graph {state.get('graph')}, but this run "
            f"has {expected_graph}. "
            + _graph_mismatch_fix(state.get("graph"), expected_graph)
        )
    return state


def _graph_mismatch_fix(saved, expected: dict) -> str:
    """Return what to do when a checkpoint's graph record differs from this run's."""
    if not (
        isinstance(saved, dict)
        and {key: value for key, value in saved.items() if key != "num_parts"}
        == {key: value for key, value in expected.items() if key != "num_parts"}
    ):
        return "Resume only with the same dataset and partitioning"
    parts = saved.get("num_parts")
    # Only the process count differs, so the run resumes with the saved count.
    launch = (
        "one process, without --partitions"
        if parts == 1
        else f"{parts} processes (torchrun --nproc_per_node={parts} or mpiexec -n "
        f"{parts}, with --partitions of {parts} parts if any)"
    )
    return (
        f"It was written by a run of {parts} process{'es' if parts != 1 else ''}, "
        f"and this run has {expected.get('num_parts')}. Resume with {launch}, or "
        f"start a new run in another {option('out')} folder"
    )


def drop_metrics_after(path: str | Path, epoch: int) -> None:
    """Remove the records of ``metrics.jsonl`` at ``path`` whose epoch is after ``epoch``.

    A run resumed at ``epoch`` writes the later epochs again, and without this the file
    would contain two records for each of them. A line that is not valid JSON (the last
    line of a run killed while writing it) is removed too.
    """
    path = Path(path)
    if not path.is_file():
        return
    kept_lines = []
    for line in path.read_text().splitlines(keepends=True):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and record.get("epoch", 0) <= epoch:
            kept_lines.append(line if line.endswith("\n") else line + "\n")
    # An interrupt or a full disk leaves metrics.jsonl as it was and no stray copy.
    write_text_atomically(path, "".join(kept_lines))


def checkpoints_by_epoch(folder: str | Path) -> list[Path]:
    """Return the ``checkpoint_<epoch>.pt`` files in ``folder``, oldest epoch first.

    The order is numeric, not by name. The trainer pads epochs to six digits, so by
    name ``checkpoint_1000000.pt`` would sort before ``checkpoint_999999.pt``. Other
    ``checkpoint_*.pt`` names (such as a renamed copy) are not checkpoints of a run and
    are left out, and so are folders.
    """
    found = []
    for path in Path(folder).glob("checkpoint_*.pt"):
        epoch = path.stem.removeprefix("checkpoint_")
        if epoch.isascii() and epoch.isdigit() and path.is_file():
            found.append((int(epoch), path))
    return [path for _, path in sorted(found)]


def latest_checkpoint(folder: str | Path) -> Path | None:
    """The highest-epoch ``checkpoint_<epoch>.pt`` in ``folder``, or ``None``."""
    found = checkpoints_by_epoch(folder)
    return found[-1] if found else None


def load_latest_checkpoint(
    folder: str | Path, expected_graph: dict | None = None
) -> tuple[Path, dict] | None:
    """Load the newest readable ``checkpoint_*.pt`` in ``folder`` (``--resume auto``).

    A damaged newest checkpoint (a crash while the file system wrote it, a full disk)
    is skipped with a warning naming it, and the next older one is tried.

    Returns:
        ``(path, state)``, or ``None`` when ``folder`` contains no checkpoint.

    Raises:
        ValueError: every checkpoint in ``folder`` is damaged, or the newest readable
            one belongs to another graph.
    """
    found = checkpoints_by_epoch(folder)[::-1]
    damaged = []
    for path in found:
        try:
            return path, load_checkpoint(path, expected_graph)
        except CheckpointReadError as error:
            logger.warning(
                "checkpoint %s is damaged (%s), trying the next older checkpoint",
                path,
                error.reason,
            )
            damaged.append(str(path))
    if damaged:
        raise ValueError(
            f"no readable checkpoint in {folder} (damaged: {', '.join(damaged)}). "
            "Delete the damaged files to start from scratch"
        )
    return None
