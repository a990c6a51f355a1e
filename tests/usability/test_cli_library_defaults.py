"""Defaults written in a command's parser equal those of the library call it makes.

The parsers of ``graphkit kg`` and ``graphkit isvd`` are built without importing torch,
so they cannot read the defaults from the torch-importing config classes and repeat
them. Each row maps an option to the config field (or function argument) it sets.
"""

import dataclasses
import inspect

import pytest
from graphkit.launch.cli import _subcommands, build_parser

from graphkit.embed.deep import FinetuneConfig
from graphkit.embed.linkpred import LinkPredictionConfig
from graphkit.embed.nodeclass import NodeClassConfig
from graphkit.kg.evaluate import evaluate
from graphkit.kg.train import TrainConfig as KGTrainConfig


def _field_defaults(config_class) -> dict[str, object]:
    return {
        field.name: field.default
        for field in dataclasses.fields(config_class)
        if field.default is not dataclasses.MISSING
    }


def _argument_defaults(function) -> dict[str, object]:
    return {
        name: parameter.default
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }


KG_TRAINING = {
    "steps": "steps",
    "batch_size": "batch_size",
    "negatives": "num_negatives",
    "lr": "lr",
    "temperature": "adversarial_temperature",
    "checkpoint_every": "checkpoint_every",
    "seed": "seed",
}

# Command words, parser dest -> library name, and the library defaults.
CASES = [
    (("kg", "finetune"), KG_TRAINING, _field_defaults(KGTrainConfig)),
    (("kg", "pretrain"), KG_TRAINING, _field_defaults(KGTrainConfig)),
    (
        ("kg", "evaluate"),
        {"batch_size": "batch_size", "ties": "ties"},
        _argument_defaults(evaluate),
    ),
    (
        ("isvd", "linkpred"),
        {
            "rank": "rank",
            "window": "window",
            "neg_coef": "neg_coef",
            "iters": "n_iter",
            "orthonormalizer": "orthonormalizer",
            "seed": "seed",
        },
        _field_defaults(LinkPredictionConfig),
    ),
    (
        ("isvd", "nodeclass"),
        {
            "hops": "hops",
            "svd_rank": "svd_rank",
            "wys_rank": "wys_rank",
            "pca_dim": "pca_dim",
            "dropout_copies": "dropout_copies",
            "iters": "n_iter",
            "seed": "seed",
        },
        _field_defaults(NodeClassConfig),
    ),
    # --finetune-epochs is left out. Its default of 0 skips fine-tuning, while
    # FinetuneConfig() describes a fine-tuning run.
    (("isvd", "nodeclass"), {"lr": "lr"}, _field_defaults(FinetuneConfig)),
]


def _parser(words: tuple[str, ...]):
    parser = build_parser()
    for word in words:
        parser = _subcommands(parser)[word]
    return parser


@pytest.mark.parametrize(
    "words, names, library", CASES, ids=[" ".join(case[0]) for case in CASES]
)
def test_parser_defaults_match_library(words, names, library):
    parser = _parser(words)
    for dest, library_name in names.items():
        assert parser.get_default(dest) == library[library_name], (dest, library_name)
