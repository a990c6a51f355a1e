"""Every command keeps its options, defaults and help text, now built without torch.

The defaults below were read from the parsers before the command modules stopped
importing torch at module level. ``graphkit train`` takes its options from
``TrainConfig``, so its check reads the defaults from there.
"""

import argparse
import dataclasses
import re

import pytest
from graphkit.launch.cli import _subcommands, build_parser

from graphkit.train.config import TrainConfig, field_docs

# The options of every graphkit kg command that loads or trains a model.
KG_MODEL = {
    "--checkpoint": None,
    "--threads": None,
    "--aggregation": "lean",
    "--device": "cpu",
}

# graphkit kg finetune and kg pretrain share every option and default.
KG_TRAINING = {
    **KG_MODEL,
    "--dataset": [],
    "--root": None,
    "--graph": [],
    "--header": False,
    "--out": None,
    "--steps": 100,
    "--batch-size": 16,
    "--negatives": 256,
    "--lr": 0.0005,
    "--temperature": 1.0,
    "--checkpoint-every": 0,
    "--seed": 0,
    "--resume": None,
    "--evaluate": False,
}

# Command words -> long option -> default, for every command except train.
DEFAULTS = {
    "analyze": {
        "--dataset": [],
        "--root": None,
        "--split": None,
        "--dataset-options": {},
        "--edge-list": None,
        "--labels": None,
        "--delimiter": None,
        "--header": "auto",
        "--directed": False,
        "--self-loops": False,
        "--isolated": "exclude",
        "--nodes": "all",
        "--nic-bins": 10,
        "--nic-hops": 1,
        "--nic-correction": "permutation",
        "--json": None,
        "--csv": None,
        "--plot": None,
    },
    "extras run": {
        "--smoke": False,
        "--set": [],
        "--json": None,
        "--markdown": None,
        "--threads": 1,
        "--strict": None,
    },
    "isvd linkpred": {
        "--dataset": None,
        "--root": None,
        "--rank": 32,
        "--window": 10,
        "--neg-coef": 0.02,
        "--orthonormalizer": "qr",
        "--float64": False,
        "--iters": 10,
        "--seed": 0,
        "--threads": None,
    },
    "isvd nodeclass": {
        "--dataset": None,
        "--root": None,
        "--split": None,
        "--dataset-options": {},
        "--hops": 15,
        "--svd-rank": 100,
        "--wys-rank": 64,
        "--pca-dim": 1000,
        "--oversample": 20,
        "--dropout-copies": 1,
        "--finetune-epochs": 0,
        "--lr": 0.0001,
        "--heads-only": False,
        "--iters": 10,
        "--seed": 0,
        "--threads": None,
    },
    "kg evaluate": {
        **KG_MODEL,
        "--dataset": None,
        "--root": None,
        "--split": "test",
        "--batch-size": 16,
        "--ties": "pessimistic",
        "--json": None,
    },
    "kg finetune": KG_TRAINING,
    "kg list": {
        "--root": None,
    },
    "kg predict": {
        **KG_MODEL,
        "--graph": None,
        "--header": False,
        "--head": None,
        "--tail": None,
        "--relation": None,
        "--top-k": 10,
        "--exclude-known": False,
    },
    "kg pretrain": KG_TRAINING,
    "partition": {
        "--dataset": "synthetic",
        "--root": None,
        "--parts": None,
        "--out": None,
        "--overwrite": False,
        "--method": "metis",
        "--balance-train": False,
        "--split": None,
        "--seed": 0,
        "--dataset-options": {},
    },
}


def _parsers() -> dict[str, argparse.ArgumentParser]:
    """Return every parser of the command line by its command words ('' is the top)."""
    found = {}

    def walk(parser, words):
        found[" ".join(words)] = parser
        for name, sub in _subcommands(parser).items():
            walk(sub, [*words, name])

    walk(build_parser(), [])
    return found


@pytest.fixture
def parsers(monkeypatch):
    # graphkit kg reads the default of --root from GRAPHKIT_DATA.
    monkeypatch.delenv("GRAPHKIT_DATA", raising=False)
    return _parsers()


def _options(parser: argparse.ArgumentParser) -> dict[str, object]:
    """Return the default of each option of ``parser`` by its long option string."""
    return {
        next(
            flag for flag in action.option_strings if flag.startswith("--")
        ): action.default
        for action in parser._actions
        if action.option_strings and action.dest != "help"
    }


def test_command_list_unchanged(parsers):
    assert sorted(parsers) == [
        "", "analyze", "extras", "extras list", "extras run", "isvd", "isvd linkpred",
        "isvd nodeclass", "kg", "kg evaluate", "kg finetune", "kg list", "kg predict",
        "kg pretrain", "partition", "train",
    ]  # fmt: skip


@pytest.mark.parametrize("words", sorted(DEFAULTS))
def test_options_and_defaults_unchanged(parsers, words):
    assert _options(parsers[words]) == DEFAULTS[words]


def test_help_names_every_option(parsers):
    for words, parser in parsers.items():
        text = parser.format_help()
        for option in _options(parser):
            assert re.search(rf"{option}\b", text), (words, option)


def test_train_help_lists_every_field_default(parsers):
    text = " ".join(parsers["train"].format_help().split())
    # argparse may wrap a line after a hyphen, so help texts are compared without spaces.
    packed_text = "".join(text.split())
    actions = {action.dest: action for action in parsers["train"]._actions}
    docs = field_docs(TrainConfig)
    for field in dataclasses.fields(TrainConfig):
        option = "--" + field.name.replace("_", "-")
        if field.default is dataclasses.MISSING:
            default = field.default_factory()
        else:
            default = field.default
        help_text = " ".join(actions[field.name].help.replace("%%", "%").split())
        assert f"{option} " in text, option
        assert "".join(help_text.split()) in packed_text, option
        if "(default:" in docs[field.name]:
            # A docstring that explains its own default, such as $GRAPHKIT_DATA.
            assert help_text.count("(default:") == 1, option
        else:
            assert help_text.endswith(f"(default: {default})"), option
