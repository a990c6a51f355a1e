"""help(TrainConfig) lists every field with its docstring, type and default."""

from __future__ import annotations

import inspect
import pydoc
from dataclasses import dataclass, fields

from graphkit.field_docs import FieldsDocstring, field_docs
from graphkit.train.config import TrainConfig


def _args_section() -> str:
    doc = inspect.getdoc(TrainConfig)
    assert "\nArgs:\n" in doc
    return doc.split("\nArgs:\n", 1)[1]


def test_config_help_lists_fields():
    section = _args_section()
    names = [line.split(" (", 1)[0].strip() for line in section.splitlines()
             if line.startswith("    ") and not line.startswith("        ")]
    assert names == [f.name for f in fields(TrainConfig)]


def test_config_help_entry_text():
    section = " ".join(_args_section().split())
    assert "lr (float): Learning rate. (default: ``0.01``)" in section
    assert "dataset_options (dict): Extra keyword arguments" in section
    assert "synthetic ``num_nodes``). (default: ``{}``)" in section
    # A docstring that states its default keeps it, without a second one.
    assert ("out (str | None): Folder for metrics.jsonl and checkpoints (default: "
            "none written). checkpoint_every") in section


def test_config_help_names_edge_list():
    section = " ".join(_args_section().split())
    assert "(``synthetic`` is generated), or the path of an edge-list file" in section


def test_config_help_rendered():
    text = pydoc.render_doc(TrainConfig, renderer=pydoc.plaintext)
    assert "Everything one training run needs" in text
    assert "weight_decay (float): Weight decay" in text


def test_config_instance_doc():
    assert TrainConfig().__doc__ == inspect.getdoc(TrainConfig)


@dataclass
class _RequiredField:
    """A config with a required field."""

    name: str
    """Name of the run."""
    size: int = 2
    """Number of items."""


_RequiredField.__doc__ = FieldsDocstring(_RequiredField.__doc__)


def test_required_field_without_default():
    doc = inspect.getdoc(_RequiredField)
    assert "    name (str): Name of the run.\n" in doc + "\n"
    assert "name (str): Name of the run. (default" not in doc
    assert "size (int): Number of items. (default: ``2``)" in doc


@dataclass
class _BaseOptions:
    epochs: int = 1
    """Epochs of the base class."""
    seed: int = 0
    """Random
    seed   of every run."""


@dataclass
class _ChildOptions(_BaseOptions):
    epochs: int = 5
    """Epochs of the subclass."""


def test_field_docs_subclass_doc_wins():
    assert field_docs(_ChildOptions)["epochs"] == "Epochs of the subclass."


def test_field_docs_joins_lines():
    assert field_docs(_ChildOptions)["seed"] == "Random seed of every run."
