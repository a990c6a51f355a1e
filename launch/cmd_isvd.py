"""``graphkit isvd``: closed-form graph models from implicit SVD.

Examples::

    graphkit isvd linkpred --dataset ca-HepTh --root DATA/graphs --rank 32
    graphkit isvd nodeclass --dataset cora --root DATA/graphs --finetune-epochs 5

Each prints its metric and the seconds spent per phase: ``products`` (multiplying the
implicit matrix with thin blocks inside the SVDs), ``svd`` (the rest of the SVDs:
orthonormalisation and the small dense SVD), and the task's own phases.
"""

from __future__ import annotations

import argparse
import logging
import time

# torch is imported inside run_linkpred and run_nodeclass, so that building the parser
# (graphkit --help) does not import it.
from graphkit.launch.cmd_partition import yaml_mapping
from graphkit.launch.logs import setup_logging
from graphkit.launch.option_types import count_option, positive_int, seed_option

log = logging.getLogger(__name__)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "isvd",
        help="implicit-SVD link prediction and node classification (no gradient training)",
        description="Train graph models in closed form with a truncated SVD of a matrix "
        "that is never formed (Abu-El-Haija et al., NeurIPS 2021).",
    )
    commands = parser.add_subparsers(dest="isvd_command", metavar="TASK")
    _add_linkpred(commands)
    _add_nodeclass(commands)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)


def _add_svd_options(parser: argparse.ArgumentParser, n_iter: int) -> None:
    parser.add_argument(
        "--iters",
        type=count_option(0),
        default=n_iter,
        help=f"power iterations of the randomized SVD (default: {n_iter})",
    )
    parser.add_argument(
        "--seed", type=seed_option, default=0, help="random seed (default: 0)"
    )
    parser.add_argument(
        "--threads",
        type=positive_int,
        default=None,
        help="torch CPU threads (default: torch's own choice)",
    )


def _add_linkpred(commands) -> None:
    parser = commands.add_parser(
        "linkpred",
        help="ROC-AUC of held-out edges on an AsymProj SNAP split",
        description="Embed the training graph with the SVD of its random-walk matrix and "
        "rank the held-out edges against the negative pairs.",
    )
    parser.add_argument(
        "--dataset",
        required=True,
        metavar="NAME",
        help="ppi, ca-AstroPh, ca-HepTh or soc-facebook",
    )
    parser.add_argument(
        "--root",
        default=None,
        metavar="DIR",
        help="folder holding asymproj/ (or the asymproj or dataset folder itself); "
        "default: $GRAPHKIT_DATA",
    )
    parser.add_argument(
        "--rank",
        type=count_option(0),
        default=32,
        help="embedding rank; 0 selects it on a split of the training edges (default: 32)",
    )
    parser.add_argument(
        "--window",
        type=count_option(1),
        default=10,
        help="random-walk context size (default: 10)",
    )
    parser.add_argument(
        "--neg-coef",
        type=float,
        default=0.02,
        help="weight of the negative-sampling term (default: 0.02)",
    )
    parser.add_argument(
        "--orthonormalizer",
        choices=("qr", "cholesky"),
        default="qr",
        help="orthonormalisation inside the SVD (default: qr)",
    )
    parser.add_argument(
        "--float64", action="store_true", help="compute in float64 instead of float32"
    )
    _add_svd_options(parser, n_iter=10)
    parser.set_defaults(func=run_linkpred)


def _add_nodeclass(commands) -> None:
    parser = commands.add_parser(
        "nodeclass",
        help="closed-form linearised GCN on a node-classification dataset",
        description="Fit a multi-hop linear GCN by one SVD of its training rows, "
        "optionally fine-tune the equivalent deep network, and report accuracy.",
    )
    _add_nodeclass_data(parser)
    _add_nodeclass_model(parser)
    _add_nodeclass_finetune(parser)
    _add_svd_options(parser, n_iter=10)
    parser.set_defaults(func=run_nodeclass)


def _add_nodeclass_data(parser: argparse.ArgumentParser) -> None:
    """Add --dataset, --root, --split and --dataset-options of isvd nodeclass."""
    parser.add_argument(
        "--dataset",
        required=True,
        metavar="NAME",
        help=(
            "a graphkit.datasets name with features (cora, citeseer, ...), or the path "
            "of an edge-list file (name its features and labels files in "
            "--dataset-options)"
        ),
    )
    parser.add_argument(
        "--root",
        default=None,
        metavar="DIR",
        help="data root for graphkit.datasets.load_dataset (default: $GRAPHKIT_DATA)",
    )
    parser.add_argument(
        "--split",
        type=count_option(0),
        default=None,
        metavar="INDEX",
        help="split index for datasets with several train/val/test splits (texas, "
        "chameleon, ...)",
    )
    parser.add_argument(
        "--dataset-options",
        type=yaml_mapping,
        default={},
        metavar="YAML",
        help="extra loader arguments as a YAML mapping, e.g. "
        "\"{path: edges.txt, features: x.txt, labels: y.txt}\" for edge-list "
        "(default: none)",
    )


def _add_nodeclass_model(parser: argparse.ArgumentParser) -> None:
    """Add the options of the closed-form model: hops, ranks, PCA and dropout copies."""
    parser.add_argument(
        "--hops", type=count_option(0), default=15, help="propagation steps L (default: 15)"
    )
    parser.add_argument(
        "--svd-rank",
        type=count_option(1),
        default=100,
        help="maximum rank of the classifier SVD (default: 100)",
    )
    parser.add_argument(
        "--wys-rank",
        type=count_option(0),
        default=64,
        help="rank of the random-walk embedding added to the features; 0 turns it off "
        "(default: 64)",
    )
    parser.add_argument(
        "--pca-dim",
        type=count_option(0),
        default=1000,
        help="maximum PCA components of the input features; 0 skips the PCA (default: 1000)",
    )
    parser.add_argument(
        "--oversample",
        type=count_option(0),
        default=20,
        help="extra sketch columns of the classifier SVD, at most the number of "
        "training rows (dropout copies included) minus 5 (default: 20)",
    )
    parser.add_argument(
        "--dropout-copies",
        type=count_option(0),
        default=1,
        help="copies of the training rows with dropout (probability 0.5), stacked "
        "under them (default: 1)",
    )


def _add_nodeclass_finetune(parser: argparse.ArgumentParser) -> None:
    """Add the options of the optional fine-tuning of the SVD-initialised network."""
    parser.add_argument(
        "--finetune-epochs",
        type=count_option(0),
        default=0,
        help="full-batch epochs of the SVD-initialised deep network (default: 0)",
    )
    parser.add_argument(
        "--lr",
        type=float,
        default=1e-4,
        help="fine-tuning learning rate (default: 1e-4)",
    )
    parser.add_argument(
        "--heads-only",
        action="store_true",
        help="fine-tune the output heads only and keep the propagation steps fixed",
    )


def _format_timings(timings: dict[str, float]) -> str:
    return ", ".join(
        f"{name.replace('_', ' ')} {seconds:.2f}s" for name, seconds in timings.items()
    )


def run_linkpred(args: argparse.Namespace) -> int:
    import torch

    setup_logging()
    if args.threads:
        torch.set_num_threads(args.threads)
    from graphkit.datasets import load_asymproj

    from graphkit.embed.linkpred import LinkPredictionConfig, run_link_prediction

    config = LinkPredictionConfig(
        rank=args.rank,
        window=args.window,
        neg_coef=args.neg_coef,
        n_iter=args.iters,
        orthonormalizer=args.orthonormalizer,
        seed=args.seed,
        dtype=torch.float64 if args.float64 else torch.float32,
    )
    # pyg_data=False returns a GraphTensors, so the command does not import
    # torch_geometric.
    data = load_asymproj(args.dataset, args.root, pyg_data=False)
    log.info(
        "%s: %d nodes, %d training edges, %d test edges",
        data.name,
        data.num_nodes,
        data.train_pos_edge_index.shape[1],
        data.test_pos_edge_index.shape[1],
    )
    result = run_link_prediction(data, config)
    print(f"dataset {data.name}: rank {result.rank}, test ROC-AUC {result.auc:.4f}")
    print(f"time: {_format_timings(result.timings)}")
    return 0


def run_nodeclass(args: argparse.Namespace) -> int:
    import torch

    setup_logging()
    if args.threads:
        torch.set_num_threads(args.threads)
    from graphkit.datasets import load_dataset

    from graphkit.embed.deep import FinetuneConfig, SVDInitializedGCN, finetune
    from graphkit.embed.nodeclass import NodeClassConfig, accuracy, fit_linear_gcn

    config = NodeClassConfig(
        hops=args.hops,
        wys_rank=args.wys_rank,
        pca_dim=args.pca_dim,
        svd_rank=args.svd_rank,
        oversample=args.oversample,
        n_iter=args.iters,
        dropout_copies=args.dropout_copies,
        seed=args.seed,
    )
    finetune_config = FinetuneConfig(epochs=args.finetune_epochs, lr=args.lr)
    # pyg_data=False returns Planetoid and Yandex datasets as GraphTensors, so the
    # command does not import torch_geometric for them.
    data = load_dataset(
        args.dataset, args.root, split=args.split, pyg_data=False, **args.dataset_options
    )
    if data.x is None:
        raise SystemExit(
            f"dataset {args.dataset!r} has no node features, which isvd nodeclass "
            "needs; pick a dataset with features, such as cora or citeseer"
        )
    # A dataset without labels has no train_mask either. fit_linear_gcn then reports
    # the missing labels.
    train_mask = getattr(data, "train_mask", None)
    if train_mask is not None and train_mask.dim() != 1:
        raise SystemExit(
            f"dataset {args.dataset!r} has {data.train_mask.size(1)} train/val/test "
            "splits; choose one with --split INDEX"
        )
    torch.manual_seed(args.seed)
    solution = fit_linear_gcn(data, config)
    logits = solution.logits()
    timings = dict(solution.timings)
    scores = {
        name: accuracy(logits, data.y, data[f"{name}_mask"])
        for name in ("train", "val", "test")
    }
    print(
        f"dataset {args.dataset}: closed-form test accuracy {scores['test']:.4f} "
        f"(validation {scores['val']:.4f}, train {scores['train']:.4f})"
    )
    if args.finetune_epochs > 0:
        tic = time.perf_counter()
        model = SVDInitializedGCN.from_linear_solution(
            solution, config.hops, train_propagation=not args.heads_only
        )
        history = finetune(
            model, solution.features, solution.adjacency.matrix, data, finetune_config
        )
        timings["fine_tuning"] = time.perf_counter() - tic
        if data.val_mask.any():
            best = max(history, key=lambda record: record["val"])
            print(
                f"fine-tuned {args.finetune_epochs} epochs: test accuracy {best['test']:.4f} "
                f"at the best validation epoch {best['epoch']} (validation "
                f"{best['val']:.4f}); last epoch test {history[-1]['test']:.4f}"
            )
        else:
            # A NaN validation accuracy would make max() report epoch 0.
            print(
                f"fine-tuned {args.finetune_epochs} epochs: test accuracy "
                f"{history[-1]['test']:.4f} at the last epoch (no validation nodes)"
            )
    print(f"time: {_format_timings(timings)}")
    return 0
