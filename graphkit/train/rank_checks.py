"""Input checks that every rank of a Trainer runs before the first epoch.

Each check ends in a reduction over the ranks, so that every rank raises when one rank's
input is invalid.
"""

from __future__ import annotations

import logging
from pathlib import Path

import torch

from graphkit.graph import Graph
from graphkit.option_names import option
from graphkit.train.checkpoint import check_no_earlier_run, resumes_in_place
from graphkit.train.config import TrainConfig
from graphkit.train.inputs import check_feature_matrix, check_node_fields
from graphkit.train.out_lock import OutFolderInUseError, OutFolderLock

logger = logging.getLogger(__name__)


def warn_other_device(config: TrainConfig, device: torch.device, is_main: bool) -> None:
    """Warn when ``config.device`` names a device type other than the data's.

    The command line moves the data to ``config.device`` before it builds the
    Trainer, but the Trainer runs where ``data.x`` is and moves nothing itself.
    ``"auto"`` names cuda where CUDA is available, as on the command line.
    """
    requested = config.device
    if requested == "auto":
        requested = "cuda" if torch.cuda.is_available() else device.type
    if requested != device.type and is_main:
        setting = option("device", config.device)
        if config.device == "auto":
            setting += f" (here {requested})"
        logger.warning(
            "%s, but data.x is on %s, so the Trainer trains on %s. To train on "
            "%s, move the data (data = data.to(%r)) before building the graph "
            "and the Trainer",
            setting,
            device,
            device,
            requested,
            requested,
        )


def check_inputs_on_every_rank(
    config: TrainConfig,
    data,
    graph: Graph,
    device: torch.device,
    features_matrix: bool = True,
    out_lock: OutFolderLock | None = None,
) -> None:
    """Check this rank's node fields (and on rank 0 that ``out`` contains no earlier
    run), and raise on every rank if any rank fails.

    Rank 0 also takes ``out_lock``, the lock on ``out``, after its own checks pass. A
    lock held by another process fails the check on every rank.

    With ``features_matrix`` (a model built from the config), ``data.x`` must also
    be ``[N, F]`` with ``F >= 1``, because the model's input width is ``F``.

    A rank that raised alone would leave the others to fail later with a lost-peer
    error that does not give the cause, so the ranks first agree on the highest
    failing rank.
    """
    error: Exception | None = None
    try:
        if (config.out and graph.rank == 0
                and not resumes_in_place(config.out, config.resume)):
            # Rank 0 writes the files, and a new run would append its records
            # to the earlier run's metrics.jsonl.
            check_no_earlier_run(Path(config.out), config.resume)
        check_node_fields(data, graph.num_nodes, multi_label=True)
        if features_matrix:
            check_feature_matrix(data.x)
        if data.y.dim() > 2:
            raise ValueError(
                "invalid labels: the trainer expects class ids (y of shape [N] or "
                "[N, 1]) or T binary tasks (shape [N, T]), got y of shape "
                f"{tuple(data.y.shape)}"
            )
        if out_lock is not None and graph.rank == 0:
            out_lock.acquire()
    except (ValueError, TypeError) as exc:
        error = exc
    rank = graph.rank
    # After the maximum over ranks: the highest failing rank (-1 if none), 1 if any
    # rank passed its checks, and 1 if another process holds the lock on out.
    flags = [
        rank if error is not None else -1,
        int(error is None),
        int(isinstance(error, OutFolderInUseError)),
    ]
    flags = graph.reduce_max(torch.tensor(flags, device=device)).tolist()
    failed, any_passed, out_in_use = int(flags[0]), bool(flags[1]), bool(flags[2])
    if error is not None:
        if not any_passed:
            # Every rank failed, so only rank 0 prints it (see launch.cli.run).
            error.every_rank = True
        raise error
    if out_in_use:
        raise ValueError(
            f"rank 0 found {config.out} in use by another process that trains into "
            f"it, so rank {rank} stops too. Read rank 0's error for the fix"
        )
    if failed >= 0:
        raise ValueError(
            f"rank {failed} rejected its partition's node data, so rank {rank} stops "
            "too. Read that rank's error for the field and the fix"
        )

