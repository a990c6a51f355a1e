"""The SNAP link-prediction splits of AsymProj / Watch Your Step (ppi, ca-AstroPh, ...).

Each dataset folder contains three int32 arrays of node pairs, shape ``(pairs, 2)``:
``train.txt.npy`` (training edges, each undirected edge once), ``test.txt.npy`` (held-out
edges, disjoint from the training edges) and ``test.neg.txt.npy`` (as many node pairs
that are edges of neither file). The graph is the union of the first two. The splits
come from Abu-El-Haija, Perozzi and Al-Rfou, "Learning Edge Representations via
Low-Rank Asymmetric Projections", CIKM 2017; the graphs from SNAP and node2vec (ppi).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from graphkit.hints import did_you_mean
from graphkit.option_names import from_command_line, option

from .graph_tensors import GraphTensors

if TYPE_CHECKING:
    from torch_geometric.data import Data

logger = logging.getLogger(__name__)

ASYMPROJ_NAMES = ("ppi", "ca-AstroPh", "ca-HepTh", "soc-facebook")
ASYMPROJ_FILES = ("train.txt.npy", "test.txt.npy", "test.neg.txt.npy")
# The files as released with implicit SVD (CC0), pinned to one commit.
ASYMPROJ_URL = (
    "https://raw.githubusercontent.com/samihaija/isvd/"
    "6ef715c8846bfdfca8578cfc6276ce2c13afef5e/datasets/asymproj/{name}/{file}"
)


def _canonical_name(name: str) -> str:
    lookup = {known.lower(): known for known in ASYMPROJ_NAMES}
    lookup["facebook"] = "soc-facebook"
    canonical = lookup.get(name.lower())
    if canonical is None:
        hint = did_you_mean(name.lower(), lookup, display=lookup.__getitem__)
        raise ValueError(
            f"unknown AsymProj dataset {name!r}{hint}; choose one of "
            f"{', '.join(ASYMPROJ_NAMES)}"
        )
    return canonical


def _find_folder(root: Path, name: str) -> Path | None:
    """Accept the dataset folder, the ``asymproj/`` folder or the ``graphs/`` folder as root."""
    for candidate in (root, root / name, root / "asymproj" / name):
        if all((candidate / file).is_file() for file in ASYMPROJ_FILES):
            return candidate
    return None


def _download(folder: Path, name: str) -> None:
    from torch_geometric.data import download_url

    for file in ASYMPROJ_FILES:
        if not (folder / file).is_file():
            download_url(ASYMPROJ_URL.format(name=name, file=file), str(folder))


def _read_pairs(path: Path, num_columns: int = 2) -> torch.Tensor:
    try:
        pairs = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        # numpy reads any non-.npy bytes as a pickle, and its message then suggests
        # allow_pickle, which would run code from the file.
        raise ValueError(
            f"{path}: not a readable .npy array of node pairs ({error}). Replace it "
            "with the released file"
        ) from error
    if pairs.ndim != 2 or pairs.shape[1] != num_columns:
        raise ValueError(
            f"{path}: expected an integer array of shape (pairs, 2), got shape {pairs.shape}"
        )
    if not np.issubdtype(pairs.dtype, np.integer):
        raise ValueError(
            f"{path}: expected integer node ids, got dtype {pairs.dtype}"
        )
    if pairs.size and pairs.min() < 0:
        rows, columns = np.nonzero(pairs < 0)
        others = f" ({len(rows)} negative ids in all)" if len(rows) > 1 else ""
        raise ValueError(
            f"{path}: row {rows[0]} (0-based), column {columns[0]} contains the "
            f"negative node id {pairs[rows[0], columns[0]]}{others}. Node ids must "
            "be non-negative, so renumber the nodes from 0 or replace the file with "
            "the released one"
        )
    if pairs.size and int(pairs.max()) > np.iinfo(np.int64).max:
        # astype(np.int64) would wrap such uint64 ids around to negative ones.
        raise ValueError(
            f"{path}: node id {int(pairs.max())} exceeds the int64 range that torch "
            "indexes with. Renumber the nodes from 0"
        )
    return torch.from_numpy(pairs.astype(np.int64)).T.contiguous()


def load_asymproj(
    name: str,
    root: str | os.PathLike | None = None,
    download: bool = False,
    pyg_data: bool = True,
) -> Data | GraphTensors:
    """Load one AsymProj link-prediction split.

    Args:
        name (str): ``"ppi"``, ``"ca-AstroPh"``, ``"ca-HepTh"`` or ``"soc-facebook"``
            (case-insensitive; ``"facebook"`` is accepted too).
        root (str or Path, optional): the dataset folder, a folder holding it (the
            ``asymproj/`` folder) or a folder holding ``asymproj/``. Defaults to the
            ``GRAPHKIT_DATA`` environment variable.
        download (bool, optional): fetch missing files into ``root/asymproj/<name>``
            from the implicit-SVD repository. (default: ``False``)
        pyg_data (bool, optional): return a PyG ``Data``; with ``False``, a
            :class:`GraphTensors` of the same fields, read without importing
            ``torch_geometric`` (about 1.3 CPU s with PyG 2.8.1). (default: ``True``)

    Returns:
        A :class:`torch_geometric.data.Data` with ``num_nodes`` (largest id + 1),
        ``edge_index`` (the training edges in both directions, each self-loop once; the
        graph a model may see), ``train_pos_edge_index``, ``test_pos_edge_index`` and
        ``test_neg_edge_index`` (each as stored, shape ``(2, pairs)``).
    """
    name = _canonical_name(name)
    if root is None:
        root = os.environ.get("GRAPHKIT_DATA")
        if not root:
            cli_hint = ""
            if from_command_line():
                cli_hint = " (--root DIR on the command line)"
            raise FileNotFoundError(
                f"no data root for AsymProj dataset {name!r}: pass root=DIR{cli_hint} "
                "or set GRAPHKIT_DATA to the graphs/ folder that contains asymproj/"
            )
    root = Path(root).expanduser()
    folder = _find_folder(root, name)
    if folder is None and download:
        folder = root / "asymproj" / name
        folder.mkdir(parents=True, exist_ok=True)
        _download(folder, name)
    if folder is None:
        message = (
            f"AsymProj dataset {name!r} not found under {root}: expected "
            f"{', '.join(ASYMPROJ_FILES)} in {root}, {root / name} or "
            f"{root / 'asymproj' / name}."
        )
        if _find_folder(root / "graphs", name) is not None:
            # A common slip: root is the shared data folder that contains graphs/.
            message += (
                f" {root / 'graphs'} contains them, so pass that folder as "
                f"{option('root')}."
            )
        else:
            message += (
                f" Pass the folder that holds them, or call "
                f"load_asymproj({name!r}, root, download=True) to fetch them there"
            )
        raise FileNotFoundError(message)

    train, test, test_neg = (_read_pairs(folder / file) for file in ASYMPROJ_FILES)
    if train.numel() == 0 and test.numel() == 0 and test_neg.numel() == 0:
        raise ValueError(
            f"AsymProj dataset {name!r} in {folder} has no node pairs: all of "
            f"{', '.join(ASYMPROJ_FILES)} are empty. Replace them with the released files"
        )
    num_nodes = int(
        max(int(pairs.max()) for pairs in (train, test, test_neg) if pairs.numel())
    )
    num_nodes += 1
    logger.debug(
        "loaded %s from %s: %d nodes, %d train / %d test / %d negative pairs",
        name,
        folder,
        num_nodes,
        train.shape[1],
        test.shape[1],
        test_neg.shape[1],
    )
    # A + A^T would list a self-loop twice, so the reversed half skips them.
    reversed_train = train.flip(0)[:, train[0] != train[1]]
    data = GraphTensors(
        num_nodes=num_nodes,
        edge_index=torch.cat([train, reversed_train], dim=1),
        train_pos_edge_index=train,
        test_pos_edge_index=test,
        test_neg_edge_index=test_neg,
        name=name,
    )
    return data.to_pyg() if pyg_data else data
