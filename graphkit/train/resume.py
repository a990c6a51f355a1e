"""Checkpoint reading, state loading, checks and warnings for resuming a Trainer.

The checks compare the checkpoint's saved options and weights with this run's, so that a
resume that cannot be exact either raises ``ValueError`` or logs a warning.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import torch
from torch import nn

from graphkit.graph import Graph
from graphkit.option_names import from_command_line, option
from graphkit.train.checkpoint import (
    checkpoints_by_epoch,
    load_checkpoint,
    load_latest_checkpoint,
)
from graphkit.train.config import TrainConfig
from graphkit.train.rank_messages import describe_ranks, gather_messages, group_messages

logger = logging.getLogger(__name__)


def read_resume_checkpoint(
    source: str, out: str | None, fingerprint: dict
) -> tuple[Path, dict] | None:
    """Read the checkpoint to resume from, which is ``source`` unless it is ``auto``.

    For ``auto`` the checkpoint is the newest readable one in ``out``. Returns its path
    and state, or None when ``auto`` finds no readable checkpoint.
    """
    if source == "auto":
        found = None
        if out:
            found = load_latest_checkpoint(out, fingerprint)
        return found
    path = Path(source)
    state = load_checkpoint(path, expected_graph=fingerprint)
    if "optimizer" not in state:
        # best_model.pt has the same graph record but only the weights.
        raise ValueError(
            f"{path} contains model weights only (as best_model.pt does), not "
            "the optimizer and epoch that resuming needs. Pass a "
            f"checkpoint_*.pt file or {option('resume', 'auto')}. To start a new "
            "run from these weights, call Trainer.load_best(path) before fit()"
        )
    return path, state


def load_resumed_weights(model: nn.Module, state: dict, config: TrainConfig,
                         path: Path) -> None:
    """Load the checkpoint's last weights into ``model``.

    Raises ValueError that names the differing model options or compression when the
    weights do not fit.
    """
    try:
        model.load_state_dict(state["model"])
    except RuntimeError as error:
        saved = json.loads(state.get("config", "{}"))
        reject_other_learned_codec(
            state["model"], model.state_dict(), saved, config, path
        )
        mismatch = describe_model_mismatch(state, config)
        raise ValueError(
            f"checkpoint {path} contains {mismatch}. Resume with "
            "the same model options"
        ) from error


def restore_scheduler(scheduler, state: dict, config: TrainConfig, saved_config: dict,
                      path: Path) -> None:
    """Load the checkpoint's learning-rate schedule state, unless the schedule changed."""
    saved_schedule = saved_config.get("lr_schedule", config.lr_schedule)
    if saved_schedule != config.lr_schedule:
        # A saved state, if any, belongs to another schedule, so it is not loaded. The
        # optimizer state, loaded before, has set the rate that the new schedule
        # starts from, because cosine and step decay scale the current rate.
        restored_lr = state["optimizer"]["param_groups"][0]["lr"]
        logger.warning(
            "checkpoint %s was written with %s, but this run uses %s, so the %s "
            "schedule starts afresh at epoch %d from the restored learning rate %g, "
            "not from %s. Resume with %s to continue the saved schedule",
            path, option("lr_schedule", saved_schedule), config.lr_schedule,
            config.lr_schedule, int(state["epoch"]), restored_lr, option("lr"),
            option("lr_schedule", saved_schedule),
        )
    elif scheduler is not None and state["scheduler"] is not None:
        scheduler.load_state_dict(state["scheduler"])
        warn_restored_schedule_length(config, saved_config, path)


# Options that change the network or the optimizer without changing the shapes in
# the checkpoint, so its weights and optimizer state load but would train another
# model (sage-max from a sage run, say) or mix Adam's and AdamW's weight decay. A
# changed split would select the best epoch on other validation nodes and could
# report the checkpoint's test score as this split's.
SAME_ON_RESUME = ("model", "residual", "optimizer", "split")


def reject_changed_options(config: TrainConfig, saved_config: dict, path: Path) -> None:
    """Raise ValueError when an option of :data:`SAME_ON_RESUME` differs from the checkpoint's.

    An unset split differs from split 0, because for Planetoid datasets split 0 is
    the first Geom-GCN split rather than the public one.
    """
    for name in SAME_ON_RESUME:
        value = getattr(config, name)
        saved = saved_config.get(name, value)
        if saved == value:
            continue
        raise ValueError(
            f"checkpoint {path} was written with {_setting(name, saved)}, but this "
            f"run uses {_setting(name, value)}. {_resume_with(name, saved)}, or start "
            "a new run"
        )
    if not config.partitions:
        reject_changed_split_options(config.dataset_options,
                                     saved_config.get("dataset_options"), path,
                                     config.dataset)


# Dataset options that name files, or that fetch missing files (download). They are
# not compared, because another spelling of a path (relative or absolute) is the same
# file, and a first run that downloaded the dataset resumes without download. The
# graph record of the checkpoint already compares the graph itself.
UNCOMPARED_OPTIONS = ("path", "features", "labels", "download")


def reject_changed_split_options(options: dict, saved: dict | None, path: Path,
                                 dataset: str | None = None) -> None:
    """Raise ValueError when dataset options other than file names and download differ.

    Those options choose the split of an edge list or a synthetic graph (its split
    fractions and seed), so a loop over seeds that shares one ``out`` folder with
    ``resume="auto"`` would otherwise report the first seed's run for every seed.
    With a partition folder the options are not read, and this check is skipped.
    An option given as the loader's default of ``dataset`` equals a missing one.
    """
    if saved is None:
        return
    compared, saved_compared = (
        {key: value for key, value in mapping.items() if key not in UNCOMPARED_OPTIONS}
        for mapping in (options, saved)
    )
    defaults = _loader_defaults(dataset)
    if {**defaults, **compared} == {**defaults, **saved_compared}:
        return
    written = option("dataset_options", saved_compared)
    raise ValueError(
        f"checkpoint {path} was written with {written}, "
        f"but this run uses {option('dataset_options', compared)}, which may select "
        f"another graph or split. Resume with the checkpoint's "
        f"{option('dataset_options')}, or start a new run"
    )


def _loader_defaults(dataset: str | None) -> dict:
    """Return the option defaults of ``dataset``'s loader, or {} when it is unknown."""
    if dataset is None:
        return {}
    from graphkit.datasets.registry import loader_defaults

    return loader_defaults(dataset)


def _setting(name: str, value) -> str:
    return f"{option(name)} unset" if value is None else option(name, value)


def _resume_with(name: str, saved) -> str:
    """Return the fix that gives option ``name`` the checkpoint's value ``saved``."""
    if saved is None and from_command_line():
        # "--split unset" is no valid flag value, and leaving the flag out unsets it.
        return f"Resume without {option(name)}"
    return f"Resume with {_setting(name, saved)}"


def check_same_metric(metric: str, auto_metric: str, state: dict, saved_config: dict,
                      path: Path) -> None:
    """Raise ValueError when the checkpoint chose its best epoch by another metric.

    The restored best validation score is compared with this run's scores, so an
    accuracy compared with a ROC-AUC would pick the wrong best epoch and report one
    metric's score under the other's name. ``auto_metric`` is what ``--metric auto``
    selects on this run's labels, which are the checkpoint's when the graph matches.
    Checkpoints written before the chosen metric was stored give only their config.
    """
    saved = state.get("metric") or saved_config.get("metric", metric)
    if saved == "auto":
        saved = auto_metric
    if saved == metric:
        return
    raise ValueError(
        f"checkpoint {path} chose its best epoch by {saved}, but this run uses "
        f"{metric}, and the two scores cannot be compared. Resume with "
        f"{option('metric', saved)}, or start a new run to select by {metric}"
    )


def describe_model_mismatch(state: dict, config: TrainConfig) -> str:
    """Describe how the model options saved in ``state`` differ from this run's."""
    saved = json.loads(state.get("config", "{}"))
    return (
        f"a different model (model={saved.get('model')}, hidden={saved.get('hidden')}, "
        f"layers={saved.get('layers')}) than this run (model={config.model}, "
        f"hidden={config.hidden}, layers={config.layers})"
    )


def reject_other_learned_codec(saved_model: dict, model_state: dict, saved_config: dict,
                               config: TrainConfig, path: Path) -> None:
    """Raise ValueError when only the learned codec's weights differ from the checkpoint.

    ``--compression learned`` adds its encoders and decoders to the model as
    ``halo_codec``, so switching to or from it changes the model's parameters even
    though the model options are the same.
    """
    differing = set(saved_model) ^ set(model_state)
    if not differing or not all(k.startswith("halo_codec.") for k in differing):
        return
    saved = saved_config.get("compression", "unknown")
    if saved == config.compression:
        # Both learned: the codecs compress different aggregation calls.
        width = saved_config.get("compression_min_width", "unknown")
        raise ValueError(
            f"checkpoint {path} contains learned codec weights for other aggregation "
            f"calls than this run's. Resume with the checkpoint's "
            f"{option('compression_min_width', width)}, or start a new run"
        )
    raise ValueError(
        f"checkpoint {path} was written with {option('compression', saved)}, but "
        f"this run uses {option('compression', config.compression)}. The "
        "learned codec's weights are part of the model, so resume with "
        f"{option('compression', saved)}, or start a new run"
    )


def warn_restored_optimizer_options(config: TrainConfig, saved_config: dict,
                                    path: Path) -> None:
    """Warn when ``--lr`` or ``--weight-decay`` differs from the checkpoint's.

    ``Optimizer.load_state_dict`` restores the learning rate and weight decay of
    every parameter group, so the new value would have no effect.
    """
    for name in ("lr", "weight_decay"):
        value = getattr(config, name)
        saved = saved_config.get(name, value)
        if saved != value:
            logger.warning(
                "checkpoint %s was written with %s, but this run passes %s. The "
                "restored optimizer state keeps the saved value, so resume with %s, "
                "or start a new run to train with %s",
                path, option(name, saved), option(name, value),
                option(name, saved), value,
            )


def warn_restored_schedule_length(config: TrainConfig, saved_config: dict,
                                  path: Path) -> None:
    """Warn when ``--epochs`` differs from the checkpoint's under cosine or step decay.

    The restored scheduler keeps the length that the checkpoint's run derived from
    its own ``--epochs``, which is ``T_max`` of the cosine schedule and ``step_size``
    of the step schedule. Past ``T_max`` the cosine learning rate rises again.
    """
    schedule, epochs = config.lr_schedule, config.epochs
    saved = saved_config.get("epochs", epochs)
    if schedule not in ("cosine", "step") or saved == epochs:
        return
    logger.warning(
        "checkpoint %s was written with %s, but this run passes %s. The restored %s "
        "schedule keeps the length it got from %s (a cosine learning rate rises "
        "again after it), so start a new run to decay over %s epochs",
        path, option("epochs", saved), option("epochs", epochs), schedule,
        option("epochs", saved), epochs,
    )


def restore_compression(compression, saved: dict | None, epoch: int, path: Path) -> None:
    """Load the halo compression state saved in a checkpoint.

    A run that compresses nothing ignores a saved state with a warning. Without a
    saved state, the rate schedule continues at ``epoch`` and a warning is logged.
    """
    if compression is None:
        if saved is not None:
            logger.warning("checkpoint %s has halo compression state, but this run "
                           "compresses nothing, so the state is ignored", path)
        return
    if saved is None:
        # Without this, the first resumed epoch would run at the starting ratio and
        # the next ones at the schedule's ratio for their epoch.
        compression.continue_at(epoch)
        logger.warning("checkpoint %s has no halo compression state, so the rate "
                       "schedule continues at epoch %d with ratio %.3g", path,
                       epoch + 1, compression.ratio)
        return
    compression.load_state_dict(saved)


def warn_later_checkpoints(out: str, path: Path, epoch: int) -> None:
    """Warn when ``out`` contains checkpoints past ``epoch`` from the run before this one.

    The resumed run overwrites only the checkpoints of the epochs at which it writes
    one (every ``checkpoint_every`` epochs and its last epoch), and the others stay.
    When one of them is the newest, as after an early stop or an interruption of this
    run, ``--resume auto`` continues from the old run.
    """
    later = [
        found for found in checkpoints_by_epoch(out)
        if int(found.stem.removeprefix("checkpoint_")) > epoch
    ]
    if not later:
        return
    logger.warning(
        "resuming from %s at epoch %d, but %s also contains checkpoints of later "
        "epochs from the run before this resume (%s). This run overwrites only those "
        "of the epochs at which it writes a checkpoint, and %s continues from the "
        "newest one, which may then be the old run's %s. Delete them to keep one run "
        "in %s",
        path, epoch, out, ", ".join(found.name for found in later),
        option("resume", "auto"), later[-1].name, out,
    )


def check_ranks_resumed_together(
    graph: Graph,
    epoch: int,
    config: TrainConfig,
    device: torch.device,
    failure: Exception | None = None,
) -> None:
    """Raise on every rank when a rank failed to restore or the epochs differ.

    Each rank reads the checkpoint from its own view of ``out``, and only rank 0
    writes there. A rank that finds no checkpoint (``out`` not shared between
    machines) would start at epoch 0 and wait in a collective that the others never
    issue, until the timeout. A rank that cannot read the checkpoint raises
    ``failure``, its own error, and the other ranks raise one that names it. When
    every rank fails, every rank raises one error with each rank's reason.
    """
    rank = graph.rank
    failed_rank = rank if failure is not None else -1
    state = torch.tensor([epoch, -epoch, failed_rank, int(failure is None)],
                         device=device)
    latest, negated_earliest, failed, any_restored = graph.reduce_max(state).tolist()
    if not any_restored:
        # Every rank failed, so every rank takes part in this gather.
        raise _every_rank_failure(graph, failure, device)
    if failure is not None:
        raise failure
    if failed >= 0:
        raise ValueError(
            f"rank {failed} could not restore "
            f"{option('resume', config.resume)}, so rank {rank} stops too. "
            "Read that rank's error for the cause"
        )
    earliest = -negated_earliest
    if latest != earliest:
        raise ValueError(
            f"rank {graph.rank} resumed at epoch {epoch}, but the ranks "
            f"resumed at epochs {earliest} to {latest}. Each rank reads the checkpoint "
            f"({option('resume', config.resume)}, "
            f"{option('out', config.out)}) on its own "
            "machine, so put that folder on a file system that every machine shares, "
            "or copy rank 0's checkpoint to each machine"
        )


def _every_rank_failure(
    graph: Graph, failure: Exception, device: torch.device
) -> Exception:
    """Return the error to raise on every rank when no rank restored the checkpoint.

    The error is marked ``every_rank``, so only rank 0 prints it (see
    ``launch.cli.run``). When all ranks failed for the same reason, as all do on a
    checkpoint of another graph, it is ``failure`` itself. Otherwise it is a
    ``ValueError`` that lists each reason with the ranks that gave it.
    """
    groups = group_messages(gather_messages(graph, str(failure), device))
    if len(groups) == 1:
        failure.every_rank = True
        return failure
    reasons = "\n".join(
        f"  {describe_ranks(ranks)}: {message}" for ranks, message in groups
    )
    error = ValueError(
        f"no rank could restore the {option('resume')} checkpoint. The ranks gave "
        f"these reasons:\n{reasons}"
    )
    error.every_rank = True
    error.__cause__ = failure
    return error
