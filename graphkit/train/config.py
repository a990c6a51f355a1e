"""Typed training configuration, loadable from YAML and overridable with ``--key value``."""

from __future__ import annotations

import argparse
import dataclasses
import math
import operator
import os
import re
import types
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from graphkit.field_docs import FieldsDocstring, field_docs
from graphkit.hints import did_you_mean
from graphkit.int64 import INT64_MAX, out_of_range_message
from graphkit.link_loops import is_link_loop, link_loop_message
from graphkit.option_names import from_command_line, option, options_from_file

_CHOICES = {
    "optimizer": ("adam", "adamw"),
    "lr_schedule": ("none", "cosine", "step", "plateau"),
    "metric": ("auto", "accuracy", "roc_auc"),
    "mode": ("sar", "sa", "one-shot"),
    "parts_method": ("metis", "random"),
    "norm": ("none", "batch", "layer"),
    "compression": ("none", "random-projection", "learned", "quantize", "subsample"),
    "compression_schedule": ("fixed", "step", "exp", "adaptive"),
    "compression_eval": ("compressed", "exact"),
    "device": ("auto", "cpu", "cuda"),
    "backend": ("auto", "gloo", "nccl"),
}


# Whole-number fields that must not exceed the 64-bit range, each with the minimum
# that the out-of-range message names. seed and compression_bits have their own
# checks. Every such field is a size or a count, so torch or numpy would overflow
# above that range, or a loop over it would never end.
_INT_MINIMUM = {
    "split": 0,
    "hidden": 1,
    "layers": 1,
    "heads": 1,
    "epochs": 1,
    "patience": 0,
    "checkpoint_every": 0,
    "log_every": 1,
    "compression_end_epoch": 0,
    "compression_steps": 1,
    "compression_patience": 1,
    "compression_min_width": 1,
}


# Upper bounds of float fields, as (name, maximum, description for the message).
# Adam (torch 2.13) passes lr / (1 - beta1^step), 10 * lr at the first step, and
# weight_decay to kernels that take a float32 factor, and a factor above the largest
# float32 (3.4e38) fails there with "value cannot be converted to type float without
# overflow". The gloo backend rejected a collective timeout of 8.64e13 s as
# invalid, and Python's timedelta cannot hold 1e300 s, so timeout_s stops at
# 1e9 s, about 31 years.
ADAM_MAX_LR = 3.4e37
_FLOAT_MAXIMUM = (
    ("lr", ADAM_MAX_LR, "a positive learning rate"),
    ("weight_decay", 3.4028234663852886e38, "a weight decay"),
    ("timeout_s", 1e9, "a positive number of seconds"),
)


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A YAML mapping that names one key twice."""


class _ConfigLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that also reads exponent floats such as ``1e-3`` as numbers.

    PyYAML follows YAML 1.1, whose floats need a dot in the mantissa and a sign in the
    exponent, so ``yaml.safe_load("lr: 1e-3")`` returns the string ``'1e-3'``. YAML 1.2
    and JSON read such a value as a float, and so does this loader.

    It also rejects a key that appears twice in one mapping. YAML requires unique keys,
    but PyYAML keeps the last value without a warning, so a second ``epochs:`` line
    would silently override the first.
    """

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                # A merge key ("<<") brings defaults that later keys may override.
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(
                    ":merge"
                ):
                    continue
                key = self.construct_object(key_node)
                line = key_node.start_mark.line + 1
                if key in seen:
                    where = (
                        f" (lines {seen[key]} and {line})" if seen[key] != line else ""
                    )
                    raise DuplicateKeyError(
                        "while reading a mapping",
                        node.start_mark,
                        f"found the key {key!r} twice{where}; keep one of them",
                        key_node.start_mark,
                    )
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


_ConfigLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+.0123456789"),
)


def load_yaml(text: str):
    """Parse YAML ``text`` like ``yaml.safe_load``, reading ``1e-3`` as a float."""
    return yaml.load(text, Loader=_ConfigLoader)


@dataclass(kw_only=True)
class TrainConfig:
    """Everything one training run needs; every field is a ``--field`` option."""

    # Data
    dataset: str = "synthetic"
    """Dataset name known to ``graphkit.datasets`` (``synthetic`` is generated), or the
    path of an edge-list file (its features and labels files are dataset options)."""
    root: str | None = None
    """Folder with the dataset files (default: ``$GRAPHKIT_DATA``)."""
    split: int | None = None
    """Index of the dataset's fixed split to use (e.g. Geom-GCN split 0-9). Unset means
    split 0 of a dataset with several."""
    dataset_options: dict = field(default_factory=dict)
    """Extra keyword arguments of the dataset loader (e.g. synthetic ``num_nodes``)."""
    # Model
    model: str = "sage"
    """Layer type: gcn, sage, sage-max, gat, gin, edgeconv, mlp, pgcn (any case)."""
    hidden: int = 64
    """Hidden width (for GAT: total width over all heads)."""
    layers: int = 2
    """Number of graph layers, the output layer included."""
    dropout: float = 0.5
    """Dropout probability of the input and hidden features, in [0, 1)."""
    norm: str = "none"
    """Normalisation after each hidden layer: none, batch (global statistics) or layer."""
    residual: bool = False
    """Add skip connections between hidden layers of equal width."""
    heads: int = 4
    """Attention heads of hidden GAT layers, or global heads of pgcn layers."""
    attention_dropout: float = 0.0
    """Dropout probability of GAT attention coefficients, in [0, 1)."""
    # Optimisation
    optimizer: str = "adam"
    """Optimizer: adam, or adamw (decoupled weight decay)."""
    lr: float = 0.01
    """Learning rate."""
    weight_decay: float = 5e-4
    """Weight decay (L2 penalty for adam, decoupled for adamw)."""
    lr_schedule: str = "none"
    """Learning-rate decay: none, cosine (to 0 at ``epochs``), step (x0.1 every epochs/3)
    or plateau (x0.1 once the validation metric has not improved for more than 10
    epochs)."""
    epochs: int = 200
    """Maximum number of full-batch training epochs."""
    patience: int = 100
    """Stop when validation has not improved for this many epochs (0: never stop)."""
    metric: str = "auto"
    """Evaluation metric: accuracy, roc_auc (two classes, or y of shape [N, T] with T
    binary tasks), or auto (roc_auc for both of those, else accuracy). With T tasks,
    each metric is the mean over tasks."""
    seed: int = 0
    """Seed of parameter initialisation, dropout and in-memory partitioning."""
    # Output
    out: str | None = None
    """Folder for metrics.jsonl and checkpoints (default: none written)."""
    checkpoint_every: int = 0
    """Write a checkpoint every K epochs into ``out`` (0: only at the end, if out set)."""
    resume: str | None = None
    """Checkpoint file to continue from, or ``auto`` for the latest readable one in ``out``."""
    log_every: int = 10
    """Epochs between logs of loss and metrics. The first and last epochs are logged too."""
    # Distributed
    partitions: str | None = None
    """Partition folder written by ``graphkit partition`` (distributed runs)."""
    mode: str = "sar"
    """Distributed aggregation: sar, sa or one-shot."""
    parts_method: str = "metis"
    """Partitioning of the whole dataset on every rank when ``partitions`` is not set."""
    timeout_s: float = 300.0
    """Timeout of every collective operation, in seconds (at most 1e9)."""
    # Device
    device: str = "auto"
    """Device of the model and features: cuda, cpu, or auto (cuda when
    torch.cuda.is_available()). Under torchrun or mpiexec, cuda is GPU LOCAL_RANK of
    each machine. The command line moves the data there. A Trainer built in Python
    runs on the device of data.x and logs a warning when this names another device
    type."""
    backend: str = "auto"
    """torch.distributed backend: nccl for CUDA tensors, gloo for CPU tensors, or auto
    for the one that matches the device."""
    memory_check: bool = True
    """Stop before the model is built when training may not fit in free memory. That is
    when the parameters, gradients, Adam states and layer outputs alone exceed it, or
    when an estimate with all activations does. The estimate can be more than twice the
    real peak. false (``--no-memory-check``) logs a warning instead and trains."""
    # Compression (distributed runs only)
    compression: str = "none"
    """Compressor of the halo rows sent between partitions (distributed runs only)."""
    compression_ratio: float = 16.0
    """Fixed ratio, or starting ratio of a decaying schedule (1: no compression).
    quantize reads ``compression_bits`` instead."""
    compression_bits: int = 8
    """Starting bits per value of ``quantize``: 8, 4 or 2 (ratio 32 / bits)."""
    compression_schedule: str = "fixed"
    """Rate schedule: fixed, step, exp (decay to 1) or adaptive (on plateaus)."""
    compression_end_epoch: int = 0
    """Last compressed epoch: the ratio is 1 from the next epoch on. step and exp decay
    over the epochs up to it (0: three quarters of ``epochs``, at most ``epochs`` - 1),
    and adaptive gets this deadline only when it is set."""
    compression_steps: int = 4
    """Plateaus of the step schedule."""
    compression_patience: int = 5
    """Epochs without validation-loss improvement before adaptive halves the ratio."""
    compression_min_width: int = 16
    """Tensors with fewer columns travel uncompressed (except with subsample)."""
    compression_eval: str = "compressed"
    """Halo exchange of evaluation passes (the model in eval mode): compressed at the
    epoch's ratio, or exact (uncompressed, as at ratio 1). With exact, the validation
    and test scores, which drive the adaptive schedule and the best epoch, are those of
    the weights with full communication, and each evaluation sends uncompressed rows.
    learned rejects exact."""

    def __post_init__(self) -> None:
        # Checked here, before any data loads, so a typo stops the run at once.
        from graphkit.nn.models import model_key

        self.model = model_key(self.model)
        # Every checkpoint stores the config as JSON, which has no pathlib.Path and no
        # numpy or torch scalar (as a sweep over np.arange gives), so such a value
        # would fail at the first save, after training.
        for name in ("dataset", "root", "out", "partitions", "resume"):
            value = getattr(self, name)
            if isinstance(value, os.PathLike):
                setattr(self, name, os.fspath(value))
        for config_field in fields(self):
            kind = _base_type(config_field.type)
            if kind in (int, float, bool):
                value = getattr(self, config_field.name)
                setattr(self, config_field.name, _plain_number(value, kind))
        for config_field in fields(self):
            value = getattr(self, config_field.name)
            if not _has_field_type(config_field, value):
                # Imported here because graphkit.whole_numbers imports torch, and
                # `graphkit kg list` reads this module without torch.
                from graphkit.whole_numbers import WrongTypeError

                expected = _base_type(config_field.type).__name__
                raise WrongTypeError(
                    f"{option(config_field.name)} must be of type {expected}, got "
                    f"{value!r}"
                )
        if isinstance(self.dataset_options, dict):
            self.dataset_options = {
                key: _plain_value(value) for key, value in self.dataset_options.items()
            }
        for name, choices in _CHOICES.items():
            value = getattr(self, name)
            if value not in choices:
                raise ValueError(
                    f"{option(name, value)} is invalid. Choose one of {choices}"
                )
        for name, minimum in _INT_MINIMUM.items():
            value = getattr(self, name)
            if value is not None and value > INT64_MAX:
                raise ValueError(out_of_range_message(option(name, value), minimum))
        positive = ("hidden", "layers", "epochs", "heads", "log_every")
        for name in positive:
            if getattr(self, name) < 1:
                raise ValueError(
                    f"{option(name)} must be at least 1, got {getattr(self, name)}"
                )
        # torch.nn.Dropout, GNN and GATConv accept 1, but in training it zeroes every
        # feature or attention coefficient, so the weights before it never learn.
        for name in ("dropout", "attention_dropout"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise ValueError(
                    f"{option(name)} must lie in [0, 1), got {getattr(self, name)}. "
                    "A dropout of 1 drops every value in training, so the model "
                    "cannot learn. Pass a value below 1, such as 0.5"
                )
        # A NaN passes a "<= 0" check because every comparison with it is false, and an
        # infinite lr turns every weight into NaN, so both need math.isfinite.
        for name in ("lr", "timeout_s"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(
                    f"{option(name)} must be positive and finite, got {value}"
                )
        if not (math.isfinite(self.weight_decay) and self.weight_decay >= 0):
            raise ValueError(
                f"{option('weight_decay')} must be >= 0 and finite, got "
                f"{self.weight_decay}"
            )
        for name, maximum, unit in _FLOAT_MAXIMUM:
            value = getattr(self, name)
            if value > maximum:
                raise ValueError(
                    f"{option(name, value)} is out of range. Give {unit} up to "
                    f"{maximum:g}"
                )
        # torch.manual_seed accepts seeds in [-2^63, 2^64), and a distributed run seeds
        # each epoch with seed + 1_000_003 * epoch + rank. The upper bound 2^63 leaves
        # room for that sum.
        if isinstance(self.seed, int) and not -(2**63) <= self.seed < 2**63:
            raise ValueError(
                f"{option('seed')} must lie in [-2^63, 2^63), got {self.seed}. Pass a "
                "seed in that range"
            )
        for name in ("checkpoint_every", "patience"):
            if getattr(self, name) < 0:
                raise ValueError(
                    f"{option(name)} must be >= 0 (0 turns it off), got "
                    f"{getattr(self, name)}"
                )
        # An infinite ratio keeps one column, or no row, of each halo row set and never
        # decays. NaN passes a "< 1" check.
        if not (math.isfinite(self.compression_ratio) and self.compression_ratio >= 1):
            raise ValueError(
                f"{option('compression_ratio')} must be finite and at least 1, got "
                f"{self.compression_ratio}"
            )
        if self.compression_bits not in (8, 4, 2):
            raise ValueError(
                f"{option('compression_bits')} must be 8, 4 or 2, got "
                f"{self.compression_bits}"
            )
        if (
            min(
                self.compression_end_epoch,
                self.compression_steps - 1,
                self.compression_patience - 1,
                self.compression_min_width - 1,
            )
            < 0
        ):
            raise ValueError(
                f"{option('compression_end_epoch')} must be >= 0, and "
                f"{option('compression_steps')}, {option('compression_patience')} and "
                f"{option('compression_min_width')} >= 1, got "
                f"{self.compression_end_epoch}, {self.compression_steps}, "
                f"{self.compression_patience} and {self.compression_min_width}"
            )
        if self.compression == "learned" and self.compression_eval == "exact":
            from graphkit.distributed.compression.control import (
                learned_exact_eval_message,
            )

            raise ValueError(learned_exact_eval_message())
        if self.out is not None and not str(self.out).strip():
            raise ValueError(
                f"{option('out')} is empty, so nothing would be saved. Pass a folder "
                "for the metrics and checkpoints, or "
                + ("leave --out out" if from_command_line() else "out=None")
                + " to save nothing"
            )
        # An empty value (an unset shell variable) would otherwise train from
        # scratch, or without the partition folder, without a warning.
        for name, what in (("resume", "a checkpoint file or auto"),
                           ("partitions", "a partition folder")):
            value = getattr(self, name)
            if value is not None and not str(value).strip():
                leave = "leave the option out" if from_command_line() else f"{name}=None"
                raise ValueError(
                    f"{option(name)} is empty ({value!r}). Pass {what}, or {leave}"
                )
        # A path from a YAML file, or quoted on the command line, reaches this point
        # with its "~" unexpanded, and would otherwise make a folder named "~".
        for name in ("out", "partitions", "resume"):
            value = getattr(self, name)
            if isinstance(value, str) and value != "auto":
                setattr(self, name, os.path.expanduser(value))
        if self.checkpoint_every and not self.out:
            raise ValueError(
                f"{option('checkpoint_every')} needs {option('out')}, the folder "
                "checkpoints go to"
            )
        if self.resume == "auto" and not self.out:
            raise ValueError(
                f"{option('resume', 'auto')} needs {option('out')}, the folder whose "
                f"newest checkpoint it loads. Pass {option('out', 'DIR')}, or a "
                f"checkpoint file to {option('resume')}"
            )

    @classmethod
    def from_yaml(cls, path: str | Path, **overrides) -> TrainConfig:
        """Load a YAML mapping of field names to values, then apply ``overrides``."""
        path = Path(path)
        if path.is_dir():
            raise ValueError(f"config file {path} is a folder. Pass a YAML file")
        if is_link_loop(path):
            raise FileNotFoundError(link_loop_message(path, "config file"))
        if not path.is_file():
            raise FileNotFoundError(f"config file {path} does not exist")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            # Such as a checkpoint (.pt) or a gzip file passed by mistake.
            raise ValueError(
                f"{path}: not a YAML text file (byte {error.start} is "
                f"0x{error.object[error.start]:02x}, invalid in UTF-8). Pass a YAML "
                "file of options saved as UTF-8 text"
            ) from None
        try:
            loaded = load_yaml(text) or {}
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f":{mark.line + 1}" if mark is not None else ""
            problem = getattr(error, "problem", None) or error
            raise ValueError(
                f"{path}{where}: invalid YAML ({problem}). Fix the file"
            ) from None
        if not isinstance(loaded, dict):
            raise ValueError(
                f"{path}: expected a mapping of options, got {type(loaded).__name__}"
            )
        known = {f.name for f in fields(cls)}
        lines = _key_lines(text)
        unknown = sorted(set(loaded) - known, key=lambda name: lines.get(name, 0))
        if unknown:
            first = unknown[0]
            hint = did_you_mean(str(first).replace("-", "_"), sorted(known))
            raise ValueError(
                f"{_located(path, lines, first)}: unknown options {unknown}{hint}. "
                f"Valid options: {sorted(known)}"
            )
        for f in fields(cls):
            if f.name in loaded:
                _check_yaml_type(_located(path, lines, f.name), f, loaded[f.name])
        for name, choices in _CHOICES.items():
            if name in loaded and loaded[name] not in choices:
                raise ValueError(
                    f"{path}: option {name}={loaded[name]!r} is invalid. Choose one of "
                    f"{choices}"
                )
        # An error about a setting that comes only from the file names it as a key of
        # that file. An error about an override names it as the caller spelled it.
        with options_from_file(str(path), set(loaded) - set(overrides)):
            return cls(**{**loaded, **overrides})

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def _base_type(annotation) -> type:
    """``int | None`` -> ``int``; annotations are strings under ``from __future__``."""
    hint = eval(annotation, vars(typing)) if isinstance(annotation, str) else annotation
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    return hint


def _plain_number(value, kind: type):
    """Convert a numpy or torch scalar ``value`` to a Python ``kind``.

    Other values are returned unchanged for the field checks to report.
    """
    if value is None or type(value) in (int, float, bool) or isinstance(value, str):
        return value
    item = value.item() if getattr(value, "ndim", None) == 0 else value
    if isinstance(item, bool):
        # np.bool_ and a 0-d bool tensor become a Python bool, which the field check
        # accepts for a bool field only, as it rejects lr=True.
        return item
    if kind is bool:
        # A number stays as it is, so the field check rejects it.
        return value
    try:
        return operator.index(value) if kind is int else float(value)
    except (TypeError, ValueError, RuntimeError):
        return value


def _plain_value(value):
    """Return a dataset option as a JSON type: a path as str, a 0-d array as its item."""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        return value.item()
    return value


def _key_lines(text: str) -> dict:
    """Map each top-level key of the YAML mapping in ``text`` to its 1-based line."""
    node = yaml.compose(text)
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: key.start_mark.line + 1 for key, _ in node.value}


def _located(path: Path, lines: dict, name: str) -> str:
    """Return ``path:line`` of option ``name``, or ``path`` when its line is unknown."""
    return f"{path}:{lines[name]}" if name in lines else str(path)


def _has_field_type(config_field: dataclasses.Field, value) -> bool:
    """Return whether ``value`` has the field's type.

    An int is accepted for a float field, and a bool only for a bool field.
    """
    expected = _base_type(config_field.type)
    if value is None and config_field.default is None:
        return True
    if isinstance(value, bool) and expected is not bool:
        return False
    if expected is float and isinstance(value, int):
        return True
    return isinstance(value, expected)


def _check_yaml_type(path: Path | str, config_field: dataclasses.Field, value) -> None:
    """Raise ValueError when a YAML value does not have the field's type (int fits float)."""
    if not _has_field_type(config_field, value):
        expected = _base_type(config_field.type).__name__
        raise ValueError(
            f"{path}: option {config_field.name} must be of type {expected}, got "
            f"{value!r}"
        )


def _parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def _parse_mapping(text: str) -> dict:
    try:
        value = load_yaml(text)
    except DuplicateKeyError as error:
        # The text is a mapping, so the message names the repeated key instead.
        raise argparse.ArgumentTypeError(f"{error.problem} in {text!r}") from None
    except yaml.YAMLError:
        value = None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(
            f"expected a mapping like '{{num_nodes: 1000}}', got {text!r}"
        )
    return value


# Sections of ``graphkit train --help``, in order. Every TrainConfig field belongs to
# exactly one. Fields of another config class all go to one "options" section.
OPTION_GROUPS = {
    "data": ("dataset", "root", "split", "dataset_options"),
    "model": (
        "model", "hidden", "layers", "dropout", "norm", "residual", "heads",
        "attention_dropout",
    ),
    "optimisation": (
        "optimizer", "lr", "weight_decay", "lr_schedule", "epochs", "patience", "metric",
        "seed",
    ),
    "distributed": ("partitions", "mode", "parts_method", "timeout_s"),
    "device": ("device", "backend", "memory_check"),
    "compression": (
        "compression", "compression_ratio", "compression_bits", "compression_schedule",
        "compression_end_epoch", "compression_steps", "compression_patience",
        "compression_min_width", "compression_eval",
    ),
    "output": ("out", "checkpoint_every", "resume", "log_every"),
}  # fmt: skip


TrainConfig.__doc__ = FieldsDocstring(TrainConfig.__doc__)


def add_config_arguments(parser: argparse.ArgumentParser, cls=TrainConfig) -> None:
    """Add ``--config FILE`` and one ``--field VALUE`` option per dataclass field.

    Options are grouped as in :data:`OPTION_GROUPS`, and each help text is the field's
    docstring followed by its default.
    """
    parser.add_argument(
        "--config", help="YAML file of options; command-line options override it"
    )
    docs = field_docs(cls)
    by_name = {f.name: f for f in fields(cls)}
    groups = OPTION_GROUPS if cls is TrainConfig else {"options": tuple(by_name)}
    for title, names in groups.items():
        group = parser.add_argument_group(title)
        for name in names:
            config_field = by_name[name]
            kind = _base_type(config_field.type)
            choices = _CHOICES.get(name)
            # A bool option alone means true, as a flag does: --residual equals
            # --residual true, and --residual false still turns it off.
            flag = {"nargs": "?", "const": True} if kind is bool else {}
            option_strings = ["--" + name.replace("_", "-")]
            if kind is bool and config_field.default is True:
                # A field that is on by default is turned off with --no-name as well.
                option_strings.append("--no-" + name.replace("_", "-"))
                flag["action"] = _NegatableBool
            group.add_argument(
                *option_strings,
                dest=name,
                type={bool: _parse_bool, dict: _parse_mapping}.get(kind, kind),
                default=argparse.SUPPRESS,
                choices=choices,
                metavar=None if choices else kind.__name__.upper(),
                help=_field_help(config_field, docs.get(name, ""), set(by_name)),
                **flag,
            )


class _NegatableBool(argparse.Action):
    """Store a bool option's value, or its opposite when it is given as ``--no-name``.

    ``--no-memory-check`` stores false, and ``--no-memory-check false`` stores true.
    """

    def __call__(self, parser, namespace, values, option_string=None):
        negated = option_string is not None and option_string.startswith("--no-")
        setattr(namespace, self.dest, not values if negated else values)


def _field_help(config_field: dataclasses.Field, doc: str, names: set[str]) -> str:
    """Return the field's docstring and default as plain argparse help text.

    A ``name`` in double backquotes becomes ``--name`` when it is a field of the same
    config, and plain text otherwise.
    """
    if config_field.default is not dataclasses.MISSING:
        default = config_field.default
    else:
        default = config_field.default_factory()
    text = re.sub(
        r"``([^`]+)``",
        lambda match: (
            "--" + match[1].replace("_", "-") if match[1] in names else match[1]
        ),
        doc,
    ).replace("%", "%%")
    if "(default:" in text:  # the docstring already explains its default
        return text
    return f"{text} (default: {default})".strip()


def config_from_args(args: argparse.Namespace, cls=TrainConfig):
    """Build the config: YAML file first (if given), then the command-line options."""
    overrides = {
        f.name: getattr(args, f.name) for f in fields(cls) if hasattr(args, f.name)
    }
    if getattr(args, "config", None):
        return cls.from_yaml(args.config, **overrides)
    return cls(**overrides)
