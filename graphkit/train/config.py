"""Typed training configuration, loadable from YAML and overridable with ``--key value``."""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

_CHOICES = {
    "optimizer": ("adam", "adamw"),
    "lr_schedule": ("none", "cosine", "step", "plateau"),
    "metric": ("auto", "accuracy", "roc_auc"),
    "mode": ("sar", "sa", "one-shot"),
    "parts_method": ("metis", "random"),
    "norm": ("none", "batch", "layer"),
    "compression": ("none", "random-projection", "learned", "quantize", "subsample"),
    "compression_schedule": ("fixed", "step", "exp", "adaptive"),
}


@dataclass(kw_only=True)
class TrainConfig:
    """Everything one training run needs; every field is a ``--field`` option."""

    # Data
    dataset: str = "synthetic"
    """Dataset name known to ``graphkit.datasets`` (``synthetic`` is generated)."""
    root: str | None = None
    """Folder with the dataset files (default: ``$GRAPHKIT_DATA``)."""
    split: int | None = None
    """Index of the dataset's fixed split to use (e.g. Geom-GCN split 0-9)."""
    # Model
    model: str = "sage"
    """Layer type: gcn, sage, sage-max, gat, gin, edgeconv, mlp (and any registered)."""
    hidden: int = 64
    """Hidden width (for GAT: total width over all heads)."""
    layers: int = 2
    dropout: float = 0.5
    norm: str = "none"
    residual: bool = False
    heads: int = 4
    attention_dropout: float = 0.0
    # Optimisation
    optimizer: str = "adam"
    lr: float = 0.01
    weight_decay: float = 5e-4
    lr_schedule: str = "none"
    epochs: int = 200
    patience: int = 100
    """Stop when validation has not improved for this many epochs (0: never stop)."""
    metric: str = "auto"
    """accuracy, roc_auc (binary labels), or auto (roc_auc for two classes)."""
    seed: int = 0
    # Output
    out: str | None = None
    """Folder for metrics.jsonl and checkpoints (default: none written)."""
    checkpoint_every: int = 0
    """Write a checkpoint every K epochs into ``out`` (0: only at the end, if out set)."""
    resume: str | None = None
    """Checkpoint file to continue from, or ``auto`` for the latest one in ``out``."""
    log_every: int = 10
    # Distributed
    partitions: str | None = None
    """Partition folder written by ``graphkit partition`` (distributed runs)."""
    mode: str = "sar"
    """Distributed aggregation: sar, sa or one-shot."""
    parts_method: str = "metis"
    timeout_s: float = 300.0
    """Timeout of every collective operation, in seconds."""
    compression: str = "none"
    """Compressor of the halo rows sent between partitions (distributed runs only)."""
    compression_ratio: float = 16.0
    """Fixed ratio, or starting ratio of a decaying schedule (1: no compression)."""
    compression_bits: int = 8
    """Starting bits per value of ``quantize`` (8, 4 or 2; ratio 32 / bits)."""
    compression_schedule: str = "fixed"
    """Rate schedule: fixed, step, exp (decay to 1) or adaptive (on plateaus)."""
    compression_end_epoch: int = 0
    """Epoch by which step and exp reach ratio 1 (0: three quarters of ``epochs``)."""
    compression_steps: int = 4
    """Plateaus of the step schedule."""
    compression_patience: int = 5
    """Epochs without validation-loss improvement before adaptive halves the ratio."""
    compression_min_width: int = 16
    """Tensors with fewer columns travel uncompressed (except with subsample)."""
    dataset_options: dict = field(default_factory=dict)
    """Extra keyword arguments of the dataset loader (e.g. synthetic ``num_nodes``)."""

    def __post_init__(self) -> None:
        for name, choices in _CHOICES.items():
            value = getattr(self, name)
            if value not in choices:
                raise ValueError(f"{name}={value!r} is invalid; choose one of {choices}")
        positive = ("hidden", "layers", "epochs", "heads", "log_every")
        for name in positive:
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("dropout", "attention_dropout"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise ValueError(f"{name} must lie in [0, 1), got {getattr(self, name)}")
        if self.lr <= 0:
            raise ValueError(f"lr must be positive, got {self.lr}")
        if self.timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {self.timeout_s}")
        if self.checkpoint_every < 0 or self.patience < 0:
            raise ValueError("checkpoint_every and patience must be >= 0")
        if self.compression_ratio < 1:
            raise ValueError(f"compression_ratio must be at least 1, got {self.compression_ratio}")
        if self.compression_bits not in (8, 4, 2):
            raise ValueError(f"compression_bits must be 8, 4 or 2, got {self.compression_bits}")
        if min(self.compression_end_epoch, self.compression_steps - 1,
               self.compression_patience - 1, self.compression_min_width - 1) < 0:
            raise ValueError("compression_end_epoch must be >= 0, compression_steps, "
                             "compression_patience and compression_min_width >= 1")
        if self.checkpoint_every and not self.out:
            raise ValueError("checkpoint_every needs --out, the folder checkpoints go to")

    @classmethod
    def from_yaml(cls, path: str | Path, **overrides) -> "TrainConfig":
        """Load a YAML mapping of field names to values, then apply ``overrides``."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"config file {path} does not exist")
        try:
            loaded = yaml.safe_load(path.read_text()) or {}
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f":{mark.line + 1}" if mark is not None else ""
            problem = getattr(error, "problem", None) or error
            raise ValueError(f"{path}{where}: invalid YAML ({problem}); fix the file") from None
        if not isinstance(loaded, dict):
            raise ValueError(f"{path}: expected a mapping of options, got {type(loaded).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(loaded) - known)
        if unknown:
            raise ValueError(f"{path}: unknown options {unknown}; valid options: {sorted(known)}")
        for f in fields(cls):
            if f.name in loaded:
                _check_yaml_type(path, f, loaded[f.name])
        return cls(**{**loaded, **overrides})

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def _base_type(annotation) -> type:
    """``int | None`` -> ``int``; annotations are strings under ``from __future__``."""
    hint = eval(annotation, vars(typing)) if isinstance(annotation, str) else annotation
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    return hint


def _check_yaml_type(path: Path, config_field: dataclasses.Field, value) -> None:
    """Raise ValueError when a YAML value does not have the field's type (int fits float)."""
    expected = _base_type(config_field.type)
    optional = config_field.default is None
    if value is None and optional:
        return
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return
    if isinstance(value, expected) and not (expected is int and isinstance(value, bool)):
        return
    raise ValueError(
        f"{path}: option {config_field.name} must be of type {expected.__name__}, got {value!r}"
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
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        value = None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(f"expected a mapping like '{{num_nodes: 1000}}', got {text!r}")
    return value


def add_config_arguments(parser: argparse.ArgumentParser, cls=TrainConfig) -> None:
    """Add ``--config FILE`` and one ``--field VALUE`` option per dataclass field."""
    parser.add_argument("--config", help="YAML file of options; command-line options override it")
    for f in fields(cls):
        kind = _base_type(f.type)
        option = "--" + f.name.replace("_", "-")
        converter = {bool: _parse_bool, dict: _parse_mapping}.get(kind, kind)
        choices = _CHOICES.get(f.name)
        parser.add_argument(
            option, dest=f.name, type=converter, default=argparse.SUPPRESS,
            choices=choices, metavar=None if choices else kind.__name__.upper(),
            help=_field_help(cls, f.name),
        )


def _field_help(cls, name: str) -> str | None:
    default = next(f for f in fields(cls) if f.name == name)
    value = default.default if default.default is not dataclasses.MISSING else "{}"
    return f"(default: {value})"


def config_from_args(args: argparse.Namespace, cls=TrainConfig):
    """Build the config: YAML file first (if given), then the command-line options."""
    overrides = {f.name: getattr(args, f.name) for f in fields(cls) if hasattr(args, f.name)}
    if getattr(args, "config", None):
        return cls.from_yaml(args.config, **overrides)
    return cls(**overrides)
