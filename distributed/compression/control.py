"""Compression of a sharded graph's halo exchange: codec, rate schedule and byte accounting.

A :class:`Compression` is set as ``ShardedGraph.compression``, and the graph then takes
the exchange of every aggregation call from :meth:`Compression.halo_for`. At ratio 1 that
is the graph's own :class:`~graphkit.distributed.halo.HaloExchange`, so the computation
is exactly the uncompressed one. Above 1 it is a
:class:`~graphkit.distributed.compression.exchange.CompressedHalo`.

The trainer calls :meth:`Compression.attach` once with the model (to number the
aggregation calls of each forward pass and to train learned codecs with the model) and
:meth:`Compression.end_epoch` after every epoch (to count bytes and advance the
schedule). It saves :meth:`Compression.state_dict` with its checkpoints, so a resumed
run continues the schedule, the byte totals and the random draws where they stopped.

With ``evaluation="exact"``, every forward pass of the model in eval mode
(``model.eval()``, as ``Trainer.evaluate`` runs it) takes the graph's own exchange
whatever the ratio, so evaluation scores equal those of uncompressed communication.
The byte counts come from the communicator, so they count the uncompressed rows that
these passes send.
"""

from __future__ import annotations

import dataclasses
import logging
import math

import torch
from graphkit.distributed.comm import CommStats, Communicator
from graphkit.distributed.compression.codec import Codec, mix_seed
from graphkit.distributed.compression.exchange import CompressedHalo
from graphkit.distributed.compression.learned import LearnedCodec
from graphkit.distributed.compression.projection import RandomProjectionCodec
from graphkit.distributed.compression.quantize import QuantizeCodec
from graphkit.distributed.compression.schedule import (
    AdaptiveSchedule,
    Schedule,
    make_schedule,
)
from graphkit.distributed.compression.subsample import SubsampleCodec
from graphkit.distributed.halo import HaloExchange
from torch import Tensor, nn

from graphkit.option_names import from_command_line, option
from graphkit.train.metrics import METRIC_LABEL

logger = logging.getLogger(__name__)

COMPRESSORS = ("none", "random-projection", "learned", "quantize", "subsample")
# Halo exchange of evaluation passes: at the epoch's ratio, or uncompressed.
EVALUATIONS = ("compressed", "exact")


def learned_exact_eval_message() -> str:
    """Return the error for exact evaluation with the learned codec."""
    return (
        f"{option('compression_eval', 'exact')} is invalid with "
        f"{option('compression', 'learned')}. The model is trained on halo rows "
        "decoded by the learned codec, so exact rows would score a model that the run "
        "never trained. The learned codec draws nothing at random, so its compressed "
        f"scores do not vary between passes. Pass "
        f"{option('compression_eval', 'compressed')}, or choose another compressor"
    )


def _one_line(config: str) -> str:
    """Return a :class:`Compression` repr on one line, without a learned codec's weights.

    A learned codec is an ``nn.Module``, whose repr lists each weight matrix on a line
    of its own. The lines of child modules and their closing brackets are dropped.
    """
    kept = []
    for line in config.splitlines():
        stripped = line.strip()
        if stripped.startswith("(") or (stripped == ")" and line != stripped):
            continue
        kept.append(stripped)
    return "".join(kept)


class Compression:
    """A codec with a rate schedule, applied to every aggregation call of a graph.

    Args:
        codec (Codec): how rows and gradients are encoded.
        schedule (Schedule): the ratio per epoch.
        comm (Communicator): the graph's communicator (its byte counts are read).
        seed (int): base of every call's random seed. (default: ``0``)
        evaluation (str): halo exchange of the forward passes of a model in eval mode:
            ``"compressed"`` at the current ratio, or ``"exact"`` (uncompressed).
            A learned codec rejects ``"exact"`` (see
            :func:`learned_exact_eval_message`). (default: ``"compressed"``)
    """

    def __init__(
        self,
        codec: Codec,
        schedule: Schedule,
        comm: Communicator,
        seed: int = 0,
        evaluation: str = "compressed",
    ) -> None:
        if evaluation not in EVALUATIONS:
            raise ValueError(
                f"evaluation={evaluation!r} is invalid. Choose one of {EVALUATIONS}"
            )
        if evaluation == "exact" and isinstance(codec, LearnedCodec):
            raise ValueError(learned_exact_eval_message())
        self.codec, self.schedule, self.comm, self.seed = codec, schedule, comm, seed
        self.evaluation = evaluation
        # Whether the current forward pass is an evaluation pass that exchanges exact rows.
        self._exact_pass = False
        self.ratio = float(schedule.next_ratio(0, None))
        self.epochs_done = 0
        self._warned_non_finite = False
        # Bytes sent by all ranks since the start: all traffic, halo rows (and their
        # gradients), and metric reductions.
        self.total_sent_bytes = 0
        self.total_halo_bytes = 0
        self.total_metric_bytes = 0
        self._halo_labels: set[str] = set()
        self._pass = 0
        self._call = 0
        self._discovering = False

    def __repr__(self) -> str:
        if self.evaluation == "compressed":
            return self._schedule_config()
        return f"{self._schedule_config()[:-1]}, evaluation={self.evaluation!r})"

    def _schedule_config(self) -> str:
        """Return the repr without the evaluation setting, as checkpoints store it.

        A resumed run compares it with the checkpoint's to decide whether the schedule
        continues. The evaluation setting does not change the ratio of any epoch, so
        it is stored and compared apart (see :meth:`load_state_dict`).
        """
        return f"Compression(codec={self.codec!r}, schedule={self.schedule!r})"

    # Used by ShardedGraph ------------------------------------------------------------
    def halo_for(self, halo: HaloExchange, label: str) -> HaloExchange | CompressedHalo:
        """Return the exchange for the next aggregation call of the current forward pass."""
        index = self._call
        self._call += 1
        self._halo_labels.add(label)
        if self._discovering:
            ratio = max(self.ratio, 2.0)
        elif self._exact_pass:
            ratio = 1.0
        else:
            ratio = self.ratio
        if ratio <= 1:
            return halo
        seed = mix_seed(self.seed, self._pass, index)
        return CompressedHalo(halo, self.codec, ratio, seed, index)

    def start_pass(self, index: int | None = None) -> None:
        """Number the next aggregation calls from 0 and draw fresh random seeds.

        ``index`` sets the pass number the seeds derive from (default: the next one),
        so a test can repeat a pass with the same random draws.
        """
        self._pass = self._pass + 1 if index is None else index
        self._call = 0

    # Used by the trainer ---------------------------------------------------------------
    def attach(self, model: nn.Module, x: Tensor, graph) -> None:
        """Prepare ``model`` for compressed training, before its optimizer is built.

        Registers a forward pre-hook that starts a new pass at every call of the model
        (and, for a learned codec, makes the input require gradients).
        For a learned codec, runs one forward pass without gradients to create the
        weights of every aggregation call, then adds the codec to the model as the
        submodule ``halo_codec``, so the optimizer, ``sync_parameters``,
        ``sync_gradients`` and checkpoints include its parameters.
        """
        if self.epochs_done:
            # The schedule and byte totals would go on from the earlier run, so the
            # new model would train at that run's final ratio.
            raise ValueError(
                f"this graph's compression already ran {self.epochs_done} epochs for "
                f"another model and is now at ratio {self.ratio:g}, so a new Trainer "
                "would continue its schedule. Build the graph again, or set "
                "graph.compression = compression_from_config(config, comm) before "
                "the next Trainer"
            )
        model.register_forward_pre_hook(self._before_forward)
        logger.info("halo compression: %r, starting ratio %.3g", self, self.ratio)
        if not isinstance(self.codec, nn.Module):
            return
        was_training = model.training
        model.eval()
        self._discovering = True
        try:
            with torch.no_grad():
                model(x, graph)
        finally:
            self._discovering = False
            model.train(was_training)
        self.codec.freeze()
        model.add_module("halo_codec", self.codec)
        calls = len(self.codec.encoders)
        logger.info(
            "learned codec: %d aggregation call%s, %d parameters",
            calls,
            "" if calls == 1 else "s",
            sum(p.numel() for p in self.codec.parameters()),
        )

    def _before_forward(self, module: nn.Module, args: tuple):
        # An exact evaluation pass still advances the pass counter, so the training
        # passes draw the same random numbers as with compressed evaluation.
        self.start_pass()
        self._exact_pass = self.evaluation == "exact" and not module.training
        x = args[0] if args else None
        learned = isinstance(self.codec, nn.Module)
        if (
            learned
            and torch.is_grad_enabled()
            and isinstance(x, Tensor)
            and x.is_floating_point()
            and not x.requires_grad
        ):
            # Without this, an aggregation of the raw features would have no backward
            # pass, and the codec weights of that call would never receive gradients.
            return (x.detach().requires_grad_(True), *args[1:])
        return None

    def end_epoch(self, epoch: int, val_loss: float) -> dict:
        """Count this epoch's bytes over all ranks, then move the schedule one epoch on.

        Must be called on every rank (it all-reduces), before the communicator's
        counts are reset. Returns the ratio used in ``epoch`` and the bytes sent by all
        ranks in that epoch and since the start: in total, of halo rows and their
        gradients (every exchange of an aggregation call), and of metric reductions.
        """
        counts = torch.tensor(
            self._split_bytes(self.comm.stats),
            dtype=torch.float64,
            device=self.comm.device,
        )
        sent_all, halo_all, metric_all = (
            int(v) for v in self.comm.all_reduce(counts, label="compression/accounting")
        )
        self.total_sent_bytes += sent_all
        self.total_halo_bytes += halo_all
        self.total_metric_bytes += metric_all
        record = {
            "compression_ratio": self.ratio,
            # Evaluation passes ran uncompressed, so the epoch's bytes are not all
            # sent at compression_ratio. Left out with compressed evaluation.
            **({"eval_compression_ratio": 1.0} if self.evaluation == "exact" else {}),
            "epoch_sent_bytes_all_ranks": sent_all,
            "total_sent_bytes_all_ranks": self.total_sent_bytes,
            "epoch_halo_bytes_all_ranks": halo_all,
            "total_halo_bytes_all_ranks": self.total_halo_bytes,
            "epoch_metric_bytes_all_ranks": metric_all,
            "total_metric_bytes_all_ranks": self.total_metric_bytes,
        }
        self._warn_non_finite(epoch, val_loss)
        new_ratio = float(self.schedule.next_ratio(epoch, val_loss))
        self.epochs_done = epoch
        logger.debug(
            "epoch %d: ratio %.3g, %d bytes sent by all ranks (%d of halo rows, "
            "%d in total)",
            epoch,
            self.ratio,
            sent_all,
            halo_all,
            self.total_sent_bytes,
        )
        if new_ratio != self.ratio:
            logger.info(
                "epoch %d: compression ratio %.3g -> %.3g after %.1f MiB sent by all ranks",
                epoch,
                self.ratio,
                new_ratio,
                self.total_sent_bytes / 2**20,
            )
        self.ratio = new_ratio
        return record

    def _warn_non_finite(self, epoch: int, val_loss: float) -> None:
        """Warn once, on rank 0, when the adaptive schedule gets a NaN or infinite loss."""
        if (
            self._warned_non_finite
            or math.isfinite(val_loss)
            or not isinstance(self.schedule, AdaptiveSchedule)
            or getattr(self.comm, "rank", 0) != 0
        ):
            return
        self._warned_non_finite = True
        logger.warning(
            "epoch %d: the validation loss is %s. The adaptive compression schedule "
            "counts a NaN or infinite loss as an epoch without improvement, so the "
            "ratio (now %.3g) falls to 1 if the loss stays non-finite. A lower %s "
            "may keep training from diverging. This warning is logged once",
            epoch,
            val_loss,
            self.ratio,
            option("lr"),
        )

    def _split_bytes(self, stats: CommStats) -> list[float]:
        """This rank's bytes sent: in total, by halo exchanges and by metric reductions."""
        sent = stats.sent
        halo = sum(v for k, v in sent.items() if k.split("/")[0] in self._halo_labels)
        return [
            float(sum(sent.values())),
            float(halo),
            float(sent.get(METRIC_LABEL, 0)),
        ]

    # Checkpoints ----------------------------------------------------------------------
    def state_dict(self) -> dict:
        """Return the schedule's position, byte totals and pass counter for a checkpoint.

        The dict contains only Python numbers and strings, so it loads with
        ``weights_only=True``.
        """
        return {
            "config": self._schedule_config(),
            "evaluation": self.evaluation,
            "epochs_done": self.epochs_done,
            "ratio": self.ratio,
            "schedule": self.schedule.state_dict(),
            "pass": self._pass,
            "total_sent_bytes": self.total_sent_bytes,
            "total_halo_bytes": self.total_halo_bytes,
            "total_metric_bytes": self.total_metric_bytes,
        }

    def continue_at(self, epochs_done: int) -> None:
        """Continue after ``epochs_done`` epochs of a run that saved no compression state.

        The ratio becomes the one this run's schedule gives for the next epoch, as for
        a checkpoint of another schedule in :meth:`load_state_dict`. The byte totals
        count from 0, and an adaptive schedule starts from its first ratio.
        """
        self.epochs_done = int(epochs_done)
        self.ratio = float(self.schedule.next_ratio(self.epochs_done, None))

    def load_state_dict(self, state: dict) -> None:
        """Continue from :meth:`state_dict` of an earlier run.

        The pass counter (which seeds every random draw) and the byte totals are
        restored. When the codec and schedule are configured as in the saved run, the
        schedule's state and ratio are restored too. Otherwise this run's schedule gives
        the ratio of the next epoch, and an adaptive schedule starts again from its first
        ratio.
        """
        self.epochs_done = int(state["epochs_done"])
        self._pass = int(state["pass"])
        self.total_sent_bytes = int(state["total_sent_bytes"])
        self.total_halo_bytes = int(state.get("total_halo_bytes", 0))
        self.total_metric_bytes = int(state.get("total_metric_bytes", 0))
        if state["config"] == self._schedule_config():
            self.schedule.load_state_dict(state["schedule"])
            self.ratio = float(state["ratio"])
        else:
            self.ratio = float(self.schedule.next_ratio(self.epochs_done, None))
            # Every rank loads the same checkpoint, so rank 0 alone warns.
            if getattr(self.comm, "rank", 0) == 0:
                logger.warning(
                    "the checkpoint was written with %s but this run has %s, so it "
                    "continues with this run's schedule at ratio %.3g from epoch %d",
                    _one_line(state["config"]),
                    _one_line(self._schedule_config()),
                    self.ratio,
                    self.epochs_done + 1,
                )
        self._warn_other_evaluation(state.get("evaluation", "compressed"))
        logger.info(
            "halo compression resumed after epoch %d at ratio %.3g, %.1f MiB sent so far",
            self.epochs_done,
            self.ratio,
            self.total_sent_bytes / 2**20,
        )

    def _warn_other_evaluation(self, saved: str) -> None:
        """Warn, on rank 0, when the checkpoint was written with the other evaluation."""
        if saved == self.evaluation or getattr(self.comm, "rank", 0) != 0:
            return
        logger.warning(
            "the checkpoint was written with %s but this run has %s. The best "
            "validation score restored from the checkpoint was measured with %s halo "
            "rows and the scores of the next epochs with %s ones, so the best epoch "
            "compares scores of both kinds",
            option("compression_eval", saved),
            option("compression_eval", self.evaluation),
            saved,
            self.evaluation,
        )


def make_codec(name: str, seed: int = 0, min_width: int = 16) -> Codec:
    """Build the codec called ``name`` (one of :data:`COMPRESSORS` except ``none``).

    ``min_width`` applies only to the column codecs, because ``subsample`` drops whole
    rows and compresses tensors of any width.
    """
    if name == "random-projection":
        return RandomProjectionCodec(seed, min_width=min_width)
    if name == "learned":
        return LearnedCodec(seed, min_width)
    if name == "quantize":
        return QuantizeCodec(min_width)
    if name == "subsample":
        return SubsampleCodec()
    raise ValueError(f"unknown compressor {name!r}. Choose one of {COMPRESSORS}")


def _warn_ignored_rate_option(config, name: str) -> None:
    """Warn when the option that sets the starting ratio of another compressor is set.

    ``quantize`` takes its ratio from ``compression_bits`` and the other compressors
    from ``compression_ratio``. A value other than the default in the option the chosen
    compressor does not read would otherwise be dropped without a word.
    """
    defaults = {"compression_ratio": 16.0, "compression_bits": 8}
    if dataclasses.is_dataclass(config):
        defaults.update({f.name: f.default for f in dataclasses.fields(config)})
    if name == "quantize":
        value = config.compression_ratio
        if value in (defaults["compression_ratio"], 32 / config.compression_bits):
            return
        hint = (
            f" Pass {_setting('compression_bits', int(32 / value))} for ratio {value:g}"
            if 32 / value in (8, 4, 2)
            else ""
        )
        message = (
            f"{_setting('compression_ratio', value)} is ignored: quantize takes its "
            f"ratio from {option('compression_bits')} (32 / "
            f"{config.compression_bits} bits = {32 / config.compression_bits:g}).{hint}"
        )
    else:
        value = config.compression_bits
        if value == defaults["compression_bits"]:
            return
        message = (
            f"{_setting('compression_bits', value)} is ignored: only quantize reads "
            f"it, and {name} takes its ratio from {option('compression_ratio')} "
            f"({config.compression_ratio:g})"
        )
    logger.warning("%s", message)


# The options besides the ratio that each schedule reads.
_SCHEDULE_OPTIONS = {
    "fixed": (),
    "step": ("compression_end_epoch", "compression_steps"),
    "exp": ("compression_end_epoch",),
    "adaptive": ("compression_end_epoch", "compression_patience"),
}
_OPTION_DEFAULTS = {
    "compression_ratio": 16.0,
    "compression_bits": 8,
    "compression_schedule": "fixed",
    "compression_end_epoch": 0,
    "compression_steps": 4,
    "compression_patience": 5,
    "compression_min_width": 16,
    "compression_eval": "compressed",
}


def _setting(name: str, value) -> str:
    """Return ``option(name, value)``, with a float shown as ``%g`` on the command line.

    The command line shows ``--compression-ratio 8``, and Python
    ``compression_ratio=8.0``.
    """
    if isinstance(value, float) and from_command_line():
        value = f"{value:g}"
    return option(name, value)


def _changed_options(config, names) -> list[str]:
    """Return an entry for each of ``names`` that ``config`` sets to a non-default.

    Each entry is ``--option value`` on the command line and ``option=value`` in Python.
    """
    defaults = dict(_OPTION_DEFAULTS)
    if dataclasses.is_dataclass(config):
        defaults.update({f.name: f.default for f in dataclasses.fields(config)})
    changed = []
    for name in names:
        value = getattr(config, name, defaults[name])
        if value != defaults[name]:
            changed.append(_setting(name, value))
    return changed


def changed_compression_options(config) -> list[str]:
    """Return each compression option that ``config`` sets to a non-default.

    ``compression`` itself is not listed. Entries follow the order of
    ``_OPTION_DEFAULTS`` and have the form of :func:`_changed_options`.
    """
    return _changed_options(config, _OPTION_DEFAULTS)


def _warn_unused_options(config) -> None:
    """Warn about compression options that the run sets but does not read.

    With ``compression: none`` every other compression option is unused. Otherwise a
    schedule reads only its own options (``_SCHEDULE_OPTIONS``), and ``subsample``
    drops whole rows, so it ignores ``compression_min_width``. The ratio and bits
    options are checked by :func:`_warn_ignored_rate_option`.
    """
    name = getattr(config, "compression", "none")
    if name == "none":
        changed = _changed_options(config, _OPTION_DEFAULTS)
        if changed:
            logger.warning(
                "%s ignored: %s is none, so nothing is compressed. Pass "
                "%s with one of %s to compress the halo rows",
                _listed(changed),
                option("compression"),
                option("compression"),
                COMPRESSORS[1:],
            )
        return
    schedule = config.compression_schedule
    unread = [
        option
        for option in ("compression_end_epoch", "compression_steps", "compression_patience")
        if option not in _SCHEDULE_OPTIONS[schedule]
    ]
    changed = _changed_options(config, unread)
    if changed:
        logger.warning(
            "%s ignored: the %s compression schedule does not read %s",
            _listed(changed),
            schedule,
            "it" if len(changed) == 1 else "them",
        )
    if name == "subsample":
        changed = _changed_options(config, ["compression_min_width"])
        if changed:
            logger.warning(
                "%s ignored: subsample drops whole rows, so it compresses tensors of "
                "every width",
                _listed(changed),
            )


def _listed(options: list[str]) -> str:
    verb = "is" if len(options) == 1 else "are"
    return f"{', '.join(options)} {verb}"


def compression_from_config(config, comm: Communicator) -> Compression | None:
    """Build the compression a ``TrainConfig`` requests, or None for ``compression: none``.

    For ``quantize`` the starting ratio is ``32 / compression_bits``. For the other
    compressors it is ``compression_ratio``. ``compression_end_epoch`` 0 means three quarters of
    ``epochs``, and at most ``epochs - 1``, so that the last epoch runs uncompressed. A
    step or exp schedule that ends no earlier than ``epochs`` is logged as a warning,
    because then every epoch is compressed.
    """
    name = getattr(config, "compression", "none")
    # Every rank reads the same config, so rank 0 alone logs the warnings about it.
    report = getattr(comm, "rank", 0) == 0
    if report:
        _warn_unused_options(config)
    if name == "none":
        return None
    if report:
        _warn_ignored_rate_option(config, name)
    ratio = (
        32 / config.compression_bits if name == "quantize" else config.compression_ratio
    )
    end_epoch = config.compression_end_epoch or max(
        1, min(config.epochs - 1, round(0.75 * config.epochs))
    )
    late = config.compression_schedule in ("step", "exp") and end_epoch >= config.epochs
    if late and report:
        logger.warning(
            "the %s compression schedule reaches ratio 1 after epoch %d, but training "
            "stops after epoch %d, so no epoch exchanges exact halo rows. Pass "
            "%s below %s, or more epochs, to finish uncompressed",
            config.compression_schedule,
            end_epoch,
            config.epochs,
            option("compression_end_epoch"),
            option("epochs"),
        )
    schedule = make_schedule(
        config.compression_schedule,
        ratio,
        end_epoch,
        config.compression_steps,
        config.compression_patience,
    )
    if config.compression_schedule == "adaptive" and not config.compression_end_epoch:
        schedule.end_epoch = None  # adaptive has no deadline unless one is given
    min_width = getattr(config, "compression_min_width", 16)
    codec = make_codec(name, config.seed, min_width)
    evaluation = getattr(config, "compression_eval", "compressed")
    return Compression(codec, schedule, comm, config.seed, evaluation)
