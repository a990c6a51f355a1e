"""``graphkit kg``: ULTRA link prediction on knowledge graphs (evaluate, predict, train).

Examples::

    graphkit kg list --root DATA/kg
    graphkit kg evaluate --checkpoint ultra_3g.pth --dataset fb237_v1 --root DATA/kg
    graphkit kg predict --checkpoint ultra_3g.pth --graph triples.tsv --head X --relation R
    graphkit kg finetune --checkpoint ultra_3g.pth --dataset fb237_v1 --root DATA/kg \\
        --steps 200 --out runs/ft
    graphkit kg pretrain --dataset fb237_v1 --dataset WN18RR_v1 --root DATA/kg --out runs/pt
"""

from __future__ import annotations

import argparse
import os

# The run modules import torch inside their functions, so that building the parser
# (graphkit --help) does not import it.
from graphkit.launch.kg_evaluate import run_evaluate
from graphkit.launch.kg_list import run_list
from graphkit.launch.kg_predict import run_predict
from graphkit.launch.kg_training import run_training
from graphkit.launch.option_types import (
    AppendOnce,
    count_option,
    positive_int,
    seed_option,
)
from graphkit.launch.outputs import path_option

# Flags of graphkit kg whose names differ from the library arguments they set, so that
# errors raised by graphkit.kg name the flag (see graphkit.option_names).
OPTION_FLAGS = {
    "num_negatives": "--negatives",
    "adversarial_temperature": "--temperature",
    "checkpoint_dir": "--out",
    "path_or_url": "--checkpoint",
    "k": "--top-k",
}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "kg",
        help="ULTRA zero-shot link prediction on knowledge graphs",
        description="Evaluate, query and train ULTRA, a link-prediction model that "
        "works on knowledge graphs it was not trained on.",
    )
    commands = parser.add_subparsers(dest="kg_command", metavar="ACTION")
    _add_list(commands)
    _add_evaluate(commands)
    _add_predict(commands)
    _add_training(commands, "finetune", "fine-tune a checkpoint on one or more graphs")
    _add_training(
        commands, "pretrain", "train on several graphs (from scratch by default)"
    )
    parser.set_defaults(
        func=lambda args: parser.print_help() or 2, option_flags=OPTION_FLAGS
    )


def _add_common(
    parser: argparse.ArgumentParser, checkpoint_required: bool = True
) -> None:
    parser.add_argument(
        "--checkpoint",
        type=_checkpoint_text,
        required=checkpoint_required,
        metavar="PATH",
        help="checkpoint file, URL, or released name (ultra_3g, ultra_4g, "
        "ultra_50g; downloaded once and verified by SHA-256)",
    )
    parser.add_argument(
        "--threads",
        type=positive_int,
        default=None,
        help="torch CPU threads (default: torch's own choice)",
    )
    parser.add_argument(
        "--aggregation",
        choices=("lean", "plain"),
        default="lean",
        help="message aggregation path (default: lean)",
    )
    parser.add_argument("--device", default="cpu", help="torch device (default: cpu)")


def _checkpoint_text(text: str) -> str:
    """Return ``text``, rejecting a blank value such as an unset shell variable.

    A blank value would otherwise name the working folder, and pretrain, whose
    --checkpoint is optional, would start from random weights without a word.
    """
    if not text.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r} is empty. Give a checkpoint file, a URL, or a released name "
            "such as ultra_3g"
        )
    return text


def _dataset_name(text: str) -> str:
    """Return ``text``, rejecting a blank name, which would read --root as the dataset."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r} is an empty name. Give a dataset folder under --root, such as "
            "fb237_v1"
        )
    return text


def _add_dataset(parser: argparse.ArgumentParser, repeat: bool = False) -> None:
    parser.add_argument(
        "--dataset",
        type=_dataset_name,
        required=not repeat,
        action=AppendOnce if repeat else None,
        default=[] if repeat else None,
        metavar="NAME",
        help="dataset folder under --root: a GraIL split such as fb237_v1 "
        "(with NAME_ind beside it), an ILPC 2022 or InGram folder, or a "
        "train/valid/test folder (graphkit kg list --root ROOT lists them)"
        + ("; repeat for several, each once" if repeat else ""),
    )
    parser.add_argument(
        "--root",
        default=os.environ.get("GRAPHKIT_DATA") or None,
        type=path_option,
        help="folder holding the datasets (default: $GRAPHKIT_DATA)",
    )


def _add_list(commands) -> None:
    parser = commands.add_parser(
        "list",
        help="released checkpoints and the datasets under --root",
        description="List the released checkpoint names that --checkpoint accepts "
        "(and whether each is in the download cache) and the dataset folders under "
        "--root that --dataset accepts.",
    )
    parser.add_argument(
        "--root",
        default=os.environ.get("GRAPHKIT_DATA") or None,
        type=path_option,
        help="folder that contains the datasets (default: $GRAPHKIT_DATA)",
    )
    parser.set_defaults(func=run_list)


def _add_evaluate(commands) -> None:
    parser = commands.add_parser(
        "evaluate",
        help="filtered ranking: MRR and Hits@1/3/10",
        description="Rank every test (or validation) query of a dataset against all "
        "entities and print the filtered MRR and Hits@1/3/10.",
    )
    _add_common(parser)
    _add_dataset(parser)
    parser.add_argument(
        "--split",
        choices=("test", "valid"),
        default="test",
        help="test (the default): the test queries, in test.txt of a transductive "
        "folder, in NAME_ind/valid.txt and test.txt on the inference graph of a "
        "GraIL split, or in inference_test.txt (ILPC 2022) or test.txt (InGram) on "
        "the inference graph. valid: valid.txt on the training graph, or "
        "inference_validation.txt (ILPC 2022) or valid.txt (InGram) on the inference "
        "graph",
    )
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=16,
        help="queries scored together (default: 16)",
    )
    parser.add_argument(
        "--ties",
        choices=("pessimistic", "optimistic", "realistic"),
        default="pessimistic",
        help="rank of an answer scored equal to other candidates: after all of them "
        "(pessimistic, as the ULTRA reference code), before all of them "
        "(optimistic), or the mean of both (realistic) (default: pessimistic)",
    )
    parser.add_argument(
        "--json",
        type=path_option,
        default=None,
        metavar="FILE",
        help="also write the metrics to this JSON file",
    )
    parser.set_defaults(func=run_evaluate)


def _add_predict(commands) -> None:
    parser = commands.add_parser(
        "predict",
        help="top-k predicted entities of one query, by name",
        description="Print the top-k predicted entities of one query, (HEAD, RELATION, ?) or "
        "(?, RELATION, TAIL), on a triple file with string ids.",
    )
    _add_common(parser)
    parser.add_argument(
        "--graph",
        required=True,
        type=path_option,
        metavar="FILE",
        help="TSV/CSV file of head, relation, tail rows (string ids)",
    )
    _add_header(parser)
    side = parser.add_mutually_exclusive_group(required=True)
    side.add_argument(
        "--head", help="head entity: predict tails of (HEAD, RELATION, ?)"
    )
    side.add_argument(
        "--tail", help="tail entity: predict heads of (?, RELATION, TAIL)"
    )
    parser.add_argument("--relation", required=True, help="relation name")
    parser.add_argument(
        "-k", "--top-k", type=positive_int, default=10, help="answers (default: 10)"
    )
    parser.add_argument(
        "--exclude-known",
        action="store_true",
        help="leave out answers that already form a fact in the graph",
    )
    parser.set_defaults(func=run_predict)


def _add_header(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--header",
        action="store_true",
        help="skip the first row of each --graph file (a column header such as "
        "head,relation,tail), which would otherwise load as a fact",
    )


def _add_training(commands, name: str, help_text: str) -> None:
    parser = commands.add_parser(
        name,
        help=help_text,
        description=f"ULTRA {name}: {help_text}, with checkpoints in --out.",
    )
    _add_common(parser, checkpoint_required=name == "finetune")
    _add_dataset(parser, repeat=True)
    parser.add_argument(
        "--graph",
        action=AppendOnce,
        default=[],
        type=path_option,
        metavar="FILE",
        help="TSV/CSV triple file to train on; repeat for several, each once",
    )
    _add_header(parser)
    parser.add_argument(
        "--out",
        required=True,
        type=path_option,
        help="folder for checkpoints (last.pth, step_N.pth)",
    )
    parser.add_argument(
        "--steps", type=count_option(1), default=100, help="optimizer steps (default: 100)"
    )
    parser.add_argument(
        "--batch-size",
        type=count_option(2),
        default=16,
        help="facts per step, half tail and half head queries (default: 16)",
    )
    parser.add_argument(
        "--negatives",
        type=count_option(1),
        default=256,
        help="negative entities per query (default: 256)",
    )
    parser.add_argument(
        "--lr", type=float, default=5e-4, help="AdamW learning rate (default: 5e-4)"
    )
    parser.add_argument(
        "--temperature",
        type=float,
        default=1.0,
        help="self-adversarial temperature; 0 = uniform weights (default: 1.0)",
    )
    parser.add_argument(
        "--checkpoint-every",
        type=count_option(0),
        default=0,
        help="steps between checkpoints (default: 0, only the last)",
    )
    # finetune requires --checkpoint, so only pretrain draws initial weights.
    seed_targets = (
        "the sampler"
        if name == "finetune"
        else "the sampler and, without --checkpoint, of the initial weights"
    )
    parser.add_argument(
        "--seed",
        type=seed_option,
        default=0,
        help=f"seed of {seed_targets} (default: 0)",
    )
    parser.add_argument(
        "--resume",
        type=path_option,
        default=None,
        metavar="FILE",
        help="continue an interrupted run from its step_N.pth or last.pth up to "
        "--steps (give the same graphs and settings)",
    )
    parser.add_argument(
        "--evaluate",
        action="store_true",
        help="evaluate each --dataset's test split before and after",
    )
    parser.set_defaults(func=run_training, training_mode=name)

