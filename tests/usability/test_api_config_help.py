"""help(TrainConfig) lists every field with its docstring, type and default."""

import inspect
import pydoc
from dataclasses import fields

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


def test_config_help_rendered():
    text = pydoc.render_doc(TrainConfig, renderer=pydoc.plaintext)
    assert "Everything one training run needs" in text
    assert "weight_decay (float): Weight decay" in text


def test_config_instance_doc():
    assert TrainConfig().__doc__ == inspect.getdoc(TrainConfig)
