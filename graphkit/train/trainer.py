"""Full-batch trainer for node classification, the same code in one or many processes.

Everything that depends on the number of processes goes through the graph: global
counts and metrics through ``graph.reduce_sum``, parameter and gradient synchronisation
through ``graph.sync_parameters`` and ``graph.sync_gradients``. The loss is a sum over
this partition's training nodes divided by the *global* training-node count, so summing
gradients over partitions gives exactly the single-process gradient.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import logging
import math
import operator
import sys
import time
from pathlib import Path

import torch
from torch import Tensor
from tqdm import tqdm

from graphkit.graph import Graph
from graphkit.memory import reset_peak_cuda_bytes
from graphkit.option_names import option
from graphkit.train.best_weights import cpu_copy, load_best_file
from graphkit.train.build import (
    build_model,
    build_optimizer,
    build_scheduler,
    choose_metric,
)
from graphkit.train.checkpoint import drop_metrics_after, save_checkpoint
from graphkit.train.config import TrainConfig
from graphkit.train.epoch_record import (
    PEAK_NAMES,
    append_metrics_line,
    epoch_record,
    peak_memory,
    startup_traffic,
    strict_json,
)
from graphkit.train.labels import split_classes, training_labels
from graphkit.train.loss import check_logits, loss_sum, non_finite_loss_error
from graphkit.train.metrics import METRIC_LABEL, METRICS
from graphkit.train.model_memory import stored_edge_count
from graphkit.train.multilabel_metrics import MULTI_LABEL_METRICS
from graphkit.train.out_lock import OutFolderLock
from graphkit.train.partitioning import partitioning_record, warn_other_partitioning
from graphkit.train.progress import logs_above_bar
from graphkit.train.rank_checks import check_inputs_on_every_rank, warn_other_device
from graphkit.train.resume import (
    check_ranks_resumed_together,
    check_same_metric,
    load_resumed_weights,
    read_resume_checkpoint,
    reject_changed_options,
    restore_compression,
    restore_scheduler,
    warn_later_checkpoints,
    warn_restored_optimizer_options,
)
from graphkit.train.split_checks import (
    SPLITS,
    check_auc_classes,
    check_split_sizes,
    check_task_classes,
    split_counts,
    split_overlaps,
    warn_split_overlaps,
)

logger = logging.getLogger(__name__)

# SPLITS and strict_json are defined in split_checks and epoch_record. They are
# re-exported here for callers that import them from this module.
__all__ = ["SPLITS", "Trainer", "masks_for_split", "strict_json"]


class Trainer:
    """Train a :class:`~graphkit.nn.GNN` full-batch on the nodes a graph owns.

    Args:
        config (TrainConfig): the run's options.
        data: PyG ``Data`` with ``x``, ``y`` and 1-D ``train_mask``/``val_mask``/
            ``test_mask`` for the nodes ``graph`` owns. ``y`` contains class ids (shape
            ``[N]`` or ``[N, 1]``), or ``T > 1`` binary tasks (shape ``[N, T]``, see
            :mod:`graphkit.train.multilabel`). The model runs on the device of ``data.x``.
        graph (Graph): a :class:`~graphkit.graph.LocalGraph` or a sharded graph.
        model (nn.Module, optional): a model taking ``(x, graph)`` and returning one
            tensor of logits with a row per node that ``graph`` owns; built from the
            config when omitted.
    """

    def __init__(self, config: TrainConfig, data, graph: Graph, model=None) -> None:
        self.config, self.data, self.graph = config, data, graph
        # Without features (or with features that are not a tensor), the input check on
        # every rank reports data.x, and its collective runs on the graph's device.
        x = getattr(data, "x", None)
        if isinstance(x, Tensor):
            self.device = x.device
        else:
            self.device = getattr(graph, "device", torch.device("cpu"))
        self.is_main = graph.rank == 0
        warn_other_device(config, self.device, self.is_main)
        torch.manual_seed(config.seed)
        # Rank 0 writes to out, so it locks that folder against other processes from
        # its input checks until fit() ends (see graphkit.train.out_lock).
        self._out_lock = OutFolderLock(config.out) if config.out and self.is_main else None
        try:
            self._set_up(config, data, graph, model)
        except BaseException:
            self._release_out()
            raise

    def _set_up(self, config: TrainConfig, data, graph: Graph, model) -> None:
        """Check the inputs on every rank, then build the model and optimizer and resume."""
        check_inputs_on_every_rank(
            config, data, graph, self.device, features_matrix=model is None,
            out_lock=self._out_lock,
        )
        if config.out and self.is_main:
            Path(config.out).mkdir(parents=True, exist_ok=True)
        self.multi_label, self.labels, self.num_classes = training_labels(
            data.y, graph, self.device
        )
        self.metric_name = choose_metric(config, self.multi_label, self.num_classes)
        # The logit columns the loss reads: one per task, or one per class id of a
        # split node. A model may leave out classes of nodes outside every split.
        self.num_outputs = (
            self.num_classes if self.multi_label
            else split_classes(self.labels, data, graph)
        )
        if model is None:
            model = build_model(
                config, data.x, self.num_classes, stored_edge_count(graph)
            )
        self.model = model
        self.model.to(self.device)
        # Halo compression of a sharded graph: it may add a learned codec to the model,
        # so this comes before parameter synchronisation and the optimizer.
        self.compression = getattr(graph, "compression", None)
        if self.compression is not None:
            self.compression.attach(self.model, data.x, graph)
        graph.sync_parameters(self.model)
        self.optimizer = build_optimizer(config, self.model)
        self.scheduler = build_scheduler(config, self.optimizer)
        counts = torch.cat([split_counts(data), split_overlaps(data)]).double()
        # The split counts and overlaps share one all-reduce, so the overlap check
        # adds no collective.
        counts = graph.reduce_sum(counts)
        self.global_counts = counts[: len(SPLITS)]
        self.has_val = float(self.global_counts[1]) > 0
        check_split_sizes(config, self.global_counts, self.compression, self.is_main)
        if self.is_main:
            warn_split_overlaps(counts[len(SPLITS):])
        if self.multi_label:
            check_task_classes(
                data, self.labels, graph, self.global_counts, self.metric_name
            )
        elif self.metric_name == "roc_auc":
            check_auc_classes(data, self.labels, graph)
        self.fingerprint = self._graph_fingerprint()
        self.partitioning = partitioning_record(
            config.partitions, config.parts_method, graph.world_size
        )
        self.epoch = 0
        self.best = {"epoch": 0, "val": float("-inf"), "test": float("nan")}
        # CPU copy of the model's weights at the best epoch (None before the first).
        self.best_model_state: dict | None = None
        # Whether restore() loaded a checkpoint, whose optimizer state sets the lr.
        self.resumed = False
        if config.resume:
            failure: Exception | None = None
            try:
                self.restore(config.resume)
            except (ValueError, OSError) as error:
                failure = error
            check_ranks_resumed_together(
                graph, self.epoch, config, self.device, failure
            )
        self.startup_sent_bytes = startup_traffic(graph, self.device)
        if self.startup_sent_bytes is not None and self.is_main:
            logger.info(
                "start-up: %d bytes sent by all ranks, counted in no epoch",
                self.startup_sent_bytes,
            )

    def _release_out(self) -> None:
        if self._out_lock is not None:
            self._out_lock.release()

    # Construction -------------------------------------------------------------------
    def _graph_fingerprint(self) -> dict:
        # The sum runs in float64 because float32 cannot hold odd counts above 2**24.
        # Its rounding would also change with the thread count and reject a resume.
        degrees = self.graph.in_degree().double()
        edges = self.graph.reduce_sum(degrees.sum().reshape(1))
        return {
            "num_nodes": int(self.graph.num_global_nodes),
            "num_edges": int(edges.item()),
            "num_parts": int(self.graph.world_size),
        }

    # One epoch ----------------------------------------------------------------------
    def train_step(self) -> float:
        """One full-batch gradient step; returns the global mean training loss."""
        self.model.train()
        self.optimizer.zero_grad(set_to_none=True)
        logits = self._logits()
        if not logits.requires_grad:
            # backward() would fail with "element 0 of tensors does not require grad",
            # which names neither the model nor the fix.
            raise RuntimeError(
                "the model's logits do not require grad, so the Trainer cannot train "
                "it. Either no parameter has requires_grad=True, or the model's "
                "forward detaches its output or runs under torch.no_grad(). Unfreeze a "
                "parameter, or return logits computed from the trainable parameters"
            )
        train_loss = loss_sum(logits, self.labels, self.data.train_mask, self.multi_label)
        loss = train_loss / self.global_counts[0].clamp(min=1)
        loss.backward()
        self.graph.sync_gradients(self.model)
        # Every rank receives the same sum, so a non-finite loss stops every rank here.
        total = float(self.graph.reduce_sum(loss.detach().double().reshape(1)).item())
        if not math.isfinite(total):
            # The error is raised before the optimizer step, which would make every
            # weight NaN. A new run reports its --lr, which a schedule may have decayed
            # since. A resumed run reports the rate restored from its checkpoint.
            lr = self.optimizer.param_groups[0]["lr"] if self.resumed else self.config.lr
            weight_decay = self.optimizer.param_groups[0].get("weight_decay", 0.0)
            raise non_finite_loss_error(
                total, self.epoch, self.data.x, self.model, lr, self.resumed,
                weight_decay,
            )
        self.optimizer.step()
        return total

    def _logits(self) -> Tensor:
        """Return the model's logits for the owned nodes, checked against the labels."""
        output = self.model(self.data.x, self.graph)
        return check_logits(
            output, self.graph.num_nodes, self.num_outputs, self.multi_label
        )

    @torch.no_grad()
    def evaluate(self) -> dict[str, float]:
        """Metric on each split (and validation loss) with the model in eval mode."""
        self.model.eval()
        logits = self._logits()
        metric = (MULTI_LABEL_METRICS if self.multi_label else METRICS)[self.metric_name]
        result = {s: metric(logits, self.labels, getattr(self.data, f"{s}_mask"), self.graph)
                  for s in SPLITS}
        val_loss = loss_sum(logits, self.labels, self.data.val_mask, self.multi_label)
        val_loss = val_loss.double()
        val_loss = self.graph.reduce_sum(val_loss.reshape(1), label=METRIC_LABEL)
        result["val_loss"] = float(val_loss.item() / max(1.0, float(self.global_counts[1])))
        return result

    # The loop -----------------------------------------------------------------------
    def fit(self) -> dict:
        """Train until ``epochs`` or early stopping; returns the summary at the best epoch.

        The summary's scores are those measured at the best validation epoch. The model
        and the final checkpoint keep the weights of the last epoch run. The weights of
        the best epoch are kept apart: :meth:`load_best` puts them into the model, and
        with ``out`` set rank 0 writes them to ``best_model.pt``.

        A NaN or infinite training loss raises ``FloatingPointError`` on every rank
        before that epoch's optimizer step. ``best_model.pt`` then keeps the best
        finite epoch, and no checkpoint or metrics line is written for the failed one.
        Under ``torch.no_grad()`` or ``torch.inference_mode()`` it raises
        ``RuntimeError`` before the first epoch.
        """
        if torch.is_inference_mode_enabled() or not torch.is_grad_enabled():
            # Backward would fail later with "element 0 of tensors does not require
            # grad", which names neither the cause nor the fix.
            block = ("torch.inference_mode()" if torch.is_inference_mode_enabled()
                     else "torch.no_grad()")
            raise RuntimeError(
                f"Trainer.fit() was called under {block}, where no gradient can be "
                "computed. Call fit() outside that block, and use it only around "
                "evaluation"
            )
        c = self.config
        bar = tqdm(total=c.epochs, initial=self.epoch, desc="train", unit="epoch",
                   disable=not (self.is_main and sys.stderr.isatty()))
        try:
            try:
                with logs_above_bar(bar):
                    self._run_epochs(bar)
            except FloatingPointError:
                # A diverged run still leaves the best finite epoch's weights. The
                # checkpoints of earlier epochs stay as written.
                if c.out:
                    self.save_best()
                raise
            finally:
                bar.close()
            if c.out:
                self.save()
                self.save_best()
        finally:
            # NOTE: a second fit() of this trainer writes out without the lock.
            self._release_out()
        return self.summary()

    def _run_epochs(self, bar) -> None:
        """Run epochs until ``epochs``, or until early stopping."""
        c = self.config
        while self.epoch < c.epochs:
            # Checked before each epoch, so a run resumed from an early-stopped
            # checkpoint trains nothing more unless --patience grew.
            if c.patience and self.epoch - self.best["epoch"] >= c.patience:
                logger.info("early stopping at epoch %d: validation %s has not improved "
                            "for %d epochs", self.epoch, self.metric_name, c.patience)
                break
            self.epoch += 1
            if self.graph.world_size > 1:
                # Dropout draws a different count of values on each rank, so rank 0's
                # generator state in a checkpoint cannot resume the others. Seeding
                # each epoch from (seed, epoch, rank) makes a resumed run exact.
                torch.manual_seed(c.seed + 1_000_003 * self.epoch + self.graph.rank)
            reset_peak_cuda_bytes(self.device)
            start = time.perf_counter()
            loss = self.train_step()
            scores = self.evaluate()
            seconds = time.perf_counter() - start
            record = epoch_record(self.epoch, loss, scores, seconds, self.metric_name,
                                  self.graph, self.device, self.compression)
            self._after_epoch(record, scores)
            bar.update(1)
            bar.set_postfix(loss=f"{loss:.4f}", val=f"{scores['val']:.4f}")

    def _peak_memory(self) -> dict:
        """Return the peak memory fields of the epoch record (see :func:`peak_memory`)."""
        return peak_memory(self.graph, self.device)

    def _after_epoch(self, record: dict, scores: dict) -> None:
        # Without validation nodes every epoch replaces the best, so it is the last one.
        if not self.has_val or scores["val"] > self.best["val"]:
            self.best = {"epoch": self.epoch, "val": scores["val"], "test": scores["test"]}
            self.best_model_state = cpu_copy(self.model)
        if isinstance(self.scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
            self.scheduler.step(scores["val"])
        elif self.scheduler is not None:
            self.scheduler.step()
        c = self.config
        # The first and the last epoch are always logged, whatever --log-every.
        if self.epoch % c.log_every == 0 or self.epoch in (1, c.epochs):
            sent = record.get("all_ranks_sent_bytes")
            logger.info(
                "epoch %d loss %.4f train %.4f val %.4f test %.4f time %.3fs peak %.0f MiB "
                "(%s)%s",
                self.epoch, record["loss"], scores["train"], scores["val"], scores["test"],
                record["epoch_time_s"], record["peak_memory_bytes"] / 2**20,
                PEAK_NAMES[record["peak_memory_source"]],
                "" if sent is None else f" sent {sent / 2**20:.1f} MiB (all ranks)",
            )
        if c.out and self.is_main:
            append_metrics_line(c.out, record)
        if c.checkpoint_every and self.epoch % c.checkpoint_every == 0:
            self.save()

    def summary(self) -> dict:
        return {"metric": self.metric_name, "best_epoch": self.best["epoch"],
                "val": self.best["val"], "test": self.best["test"], "epochs_run": self.epoch}

    # Checkpoints --------------------------------------------------------------------
    def state_dict(self) -> dict:
        return {
            "epoch": self.epoch,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": None if self.scheduler is None else self.scheduler.state_dict(),
            "best": dict(self.best),
            "metric": self.metric_name,
            "best_model": self.best_model_state,
            "rng": torch.get_rng_state(),
            "cuda_rng": (torch.cuda.get_rng_state(self.device)
                         if self.device.type == "cuda" else None),
            "graph": self.fingerprint,
            "partitioning": self.partitioning,
            "config": json.dumps(self.config.to_dict()),
            # Rate schedule position and byte totals of halo compression, if any.
            "compression": None if self.compression is None else self.compression.state_dict(),
        }

    def save(self) -> Path | None:
        """Write ``checkpoint_<epoch>.pt`` into ``out`` (rank 0 only).

        It must not issue a collective operation, because other ranks may run without ``out``.
        A collective on rank 0 alone pairs with the next collective of the others (in a
        second run, its partition broadcast), and both wait until the timeout.
        """
        if not self.is_main:
            return None
        path = Path(self.config.out) / f"checkpoint_{self.epoch:06d}.pt"
        save_checkpoint(self.state_dict(), path)
        return path

    def load_best(self, path: str | Path | None = None) -> None:
        """Load the weights of the best validation epoch into the model.

        Without ``path`` they are this trainer's, kept by :meth:`fit` or restored by
        ``resume``. ``path`` reads them from an earlier run on the same graph with the
        same model options: its ``best_model.pt``, its ``out`` folder, or one of its
        ``checkpoint_*.pt`` files (which keep the best weights next to the last ones).
        Without validation nodes every epoch counts as the best, so these are the
        weights of the last epoch.
        """
        if path is not None:
            load_best_file(self.model, Path(path), self.fingerprint, self.config)
            return
        if self.best_model_state is None:
            raise RuntimeError(
                "no best weights to load: no epoch has run yet, or the run resumed from "
                "a checkpoint written without them. Call fit() first, or pass the "
                "best_model.pt of an earlier run"
            )
        self.model.load_state_dict(self.best_model_state)

    def save_best(self) -> Path | None:
        """Write the best epoch's weights to ``best_model.pt`` in ``out`` (rank 0 only).

        The file stores ``model`` (the state dict), ``epoch``, ``metric``, ``val``,
        ``test`` and the run's ``config``. Like :meth:`save` it issues no collective.
        """
        if not self.is_main or self.best_model_state is None:
            return None
        path = Path(self.config.out) / "best_model.pt"
        save_checkpoint(
            {
                "model": self.best_model_state,
                "metric": self.metric_name,
                **self.best,
                "graph": self.fingerprint,
                "config": json.dumps(self.config.to_dict()),
            },
            path,
        )
        return path

    def restore(self, source: str) -> None:
        """Continue from a checkpoint file, or from the newest readable one in ``out`` (``auto``)."""
        found = read_resume_checkpoint(source, self.config.out, self.fingerprint)
        if found is None:
            logger.info("no checkpoint in %s; starting from scratch", self.config.out)
            self._drop_metrics_after(0)
            return
        path, state = found
        saved_epoch = int(state["epoch"])
        if saved_epoch > self.config.epochs:
            # Nothing would train, and the run would drop the later epochs' records
            # from metrics.jsonl and replace best_model.pt with an earlier best.
            raise ValueError(
                f"checkpoint {path} is at epoch {saved_epoch}, past "
                f"{option('epochs', self.config.epochs)}. Pass {option('epochs')} of "
                f"at least {saved_epoch} to continue that run"
            )
        load_resumed_weights(self.model, state, self.config, path)
        # A checkpoint without its config is taken to use this run's options.
        saved_config = json.loads(state["config"]) if "config" in state else {}
        reject_changed_options(self.config, saved_config, path)
        self.optimizer.load_state_dict(state["optimizer"])
        self.resumed = True
        auto_metric = choose_metric(
            dataclasses.replace(self.config, metric="auto"), self.multi_label,
            self.num_classes,
        )
        check_same_metric(self.metric_name, auto_metric, state, saved_config, path)
        warn_other_partitioning(state, self.partitioning, path, self.is_main)
        warn_restored_optimizer_options(self.config, saved_config, path)
        restore_scheduler(self.scheduler, state, self.config, saved_config, path)
        self.best = dict(state["best"])
        # Checkpoints written before the best weights were kept lack them.
        self.best_model_state = state.get("best_model")
        self.epoch = int(state["epoch"])
        torch.set_rng_state(state["rng"])
        if self.device.type == "cuda" and state.get("cuda_rng") is not None:
            torch.cuda.set_rng_state(state["cuda_rng"], self.device)
        saved_compression = state.get("compression")
        restore_compression(self.compression, saved_compression, self.epoch, path)
        self._drop_metrics_after(self.epoch)
        # "auto" loads the newest readable checkpoint and already warns about damaged
        # later ones, so only an explicit checkpoint can have later checkpoints.
        if self.config.out and self.is_main and source != "auto":
            warn_later_checkpoints(self.config.out, path, self.epoch)
        logger.info("resumed from %s at epoch %d", path, self.epoch)

    def _drop_metrics_after(self, epoch: int) -> None:
        if self.config.out and self.is_main:
            drop_metrics_after(Path(self.config.out) / "metrics.jsonl", epoch)


def masks_for_split(data, split: int | None):
    """Return ``data`` with column ``split`` of each 2-D ``[N, S]`` mask.

    ``split=None`` selects column 0. The result is a shallow copy (``copy.copy``) that
    shares every other tensor. ``data`` itself keeps all its splits, so the same
    ``Data`` can be passed again for each split. When no mask is 2-D, the function
    returns ``data`` itself.
    """
    if split is not None:
        split = _split_index(split)
    selected = None
    for name in ("train_mask", "val_mask", "test_mask"):
        # A dataset without labels has no masks. The trainer's input check names it.
        mask: Tensor | None = getattr(data, name, None)
        if mask is not None and mask.dim() == 2:
            index = 0 if split is None else split
            if split is None and name == "train_mask":
                logger.info(
                    "the dataset has %d splits and %s is not set, so training uses "
                    "split 0. Pass %s to choose another",
                    mask.size(1),
                    option("split"),
                    option("split", "K"),
                )
            if not 0 <= index < mask.size(1):
                raise ValueError(f"split {index} is out of range; the dataset has {mask.size(1)} splits")
            if selected is None:
                selected = copy.copy(data)
            setattr(selected, name, mask[:, index])
    return data if selected is None else selected


def _split_index(split) -> int:
    """Return ``split`` as an int, raising TypeError for a bool, float or str.

    ``mask[:, True]`` would add a dimension instead of selecting column 1, and a float
    fails in tensor indexing. Integer tensors and NumPy integers pass, but a bool
    tensor is rejected like a bool, although ``operator.index`` reads it as 0 or 1.
    """
    is_bool = isinstance(split, bool) or (
        isinstance(split, Tensor) and split.dtype == torch.bool
    )
    if not is_bool:
        try:
            return operator.index(split)
        except TypeError:
            pass
    raise TypeError(
        f"split must be None or an int split index, got {split!r} of type "
        f"{type(split).__name__}"
    )
