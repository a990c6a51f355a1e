"""Heterophilous graphs stored as Yandex ``.npz`` archives.

Platonov et al., "A critical look at the evaluation of GNNs under heterophily: Are we
really making progress?", ICLR 2023.

Each archive contains ``node_features`` (float32, ``[N, F]``), ``node_labels`` (int64,
``[N]``), ``edges`` (int64, ``[E, 2]``, each undirected edge once), and ``train_masks``,
``val_masks``, ``test_masks`` (bool, ``[S, N]``, S = 10 splits). The graph is returned
with both directions of every edge, and the masks as ``[N, S]``.

The five datasets of that paper load from ``<family>/<name>/raw/<name>.npz`` (family
folder ``heterophilous``, the layout of PyG's ``HeterophilousGraphDataset``), read with
numpy into the tensors that PyG gives. PyG reads them only where its processed file
``<family>/<name>/processed/data.pt`` exists. The archives in the ``yandex_npz`` family
folder (``<family>/<name>.npz``) are read directly with numpy too, but only under a
registered name: the five above, ``chameleon-filtered`` and
``squirrel-filtered`` (the ``_filtered`` versions without duplicated nodes), and the
six Geom-GCN graphs with ``source="yandex"`` (see :mod:`graphkit.datasets.geom_gcn`).
Other archives in that folder are not loaded by any name.

Every row of ``edges`` is read as an undirected edge, whichever archive it comes from.
The Yandex repository also ships ``chameleon_directed.npz`` and ``squirrel_directed.npz``
(and ``_filtered_directed`` versions), which list directed edges. graphkit registers
no name for them, and :func:`read_npz_graph` would add the reverse of every edge,
losing their directions.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import Tensor

from .edge_keys import symmetric_edges
from .errors import DatasetFormatError, ShapeMismatchError, UnknownNodeIdError
from .graph_tensors import GraphTensors
from .layout import (
    RawFiles,
    candidate_family_dirs,
    data_root,
    download_hint,
    find_family_dir,
    missing_files_error,
    pyg_root,
)
from .npz_arrays import read_npz_arrays
from .splits import select_split

if TYPE_CHECKING:
    from torch_geometric.data import Data

logger = logging.getLogger(__name__)

# Names of the datasets of Platonov et al. that PyG's HeterophilousGraphDataset accepts.
PYG_HETEROPHILOUS = (
    "roman-empire",
    "amazon-ratings",
    "minesweeper",
    "tolokers",
    "questions",
)
# Archives read from the yandex_npz folder only.
YANDEX_ONLY = ("chameleon-filtered", "squirrel-filtered")
NPZ_KEYS = (
    "node_features",
    "node_labels",
    "edges",
    "train_masks",
    "val_masks",
    "test_masks",
)
NPZ_DESCRIPTION = "a Yandex archive <name>.npz with arrays " + ", ".join(NPZ_KEYS)


def file_stem(name: str) -> str:
    """Return the file name stem of dataset ``name`` (``roman-empire`` -> ``roman_empire``)."""
    return name.replace("-", "_")


def load_heterophilous(
    name: str,
    root: str | Path | None = None,
    split: int | None = None,
    download: bool = False,
) -> Data | GraphTensors:
    """Load one of the Yandex heterophilous datasets.

    The archive ``heterophilous/<name>/raw/<name>.npz`` or ``yandex_npz/<name>.npz`` is
    read without PyG, into a ``GraphTensors`` that ``load_dataset`` turns into a
    ``Data`` unless called with ``pyg_data=False``. Its tensors equal those of PyG's
    ``HeterophilousGraphDataset``. Where PyG has written its processed file
    ``heterophilous/<name>/processed/data.pt`` next to the archive, PyG reads that file
    into a ``Data`` instead, as earlier versions of graphkit did.

    Args:
        name (str): A name in ``PYG_HETEROPHILOUS`` or ``YANDEX_ONLY``.
        root (str or Path, optional): Data root (see :mod:`graphkit.datasets.layout`).
        split (int, optional): None keeps all ten splits (masks ``[N, 10]``), an integer
            ``k`` keeps split ``k`` (masks ``[N]``).
        download (bool): Let PyG download a missing archive (only for the names in
            ``PYG_HETEROPHILOUS``; default False).
    """
    root = data_root(root)
    stem = file_stem(name)
    pyg_raw = RawFiles(
        "heterophilous", f"{stem}/raw", (f"{stem}.npz",), NPZ_DESCRIPTION
    )
    npz_raw = yandex_raw_files(name)
    if name in PYG_HETEROPHILOUS:
        family_dir = find_family_dir(root, pyg_raw)
        if family_dir is not None and processed_file(family_dir, stem).is_file():
            return select_split(_read_with_pyg(stem, family_dir, pyg_raw), split, name)
        if family_dir is not None:
            # The archive gives the tensors that PyG's processing gives, without the
            # import of torch_geometric and the processing (about 2.2 CPU s per command on
            # tolokers, torch_geometric 2.8.1).
            graph = read_npz_graph(pyg_raw.paths(family_dir)[0])
            return select_split(graph, split, name)
    if find_family_dir(root, npz_raw) is not None:
        return load_yandex_npz(name, root, split)
    if name in PYG_HETEROPHILOUS and download:
        family_dir = candidate_family_dirs(root, "heterophilous")[0]
        family_dir.mkdir(parents=True, exist_ok=True)
        from torch_geometric.datasets import HeterophilousGraphDataset

        dataset = HeterophilousGraphDataset(str(family_dir), stem)
        data = _undirected_graph(dataset[0], stem, family_dir)
        return select_split(data, split, name)
    if name in PYG_HETEROPHILOUS:
        hint = (
            f"It may also be given as <root>/yandex_npz/{stem}.npz. {download_hint()}"
        )
        raise missing_files_error(root, pyg_raw, name, hint)
    raise missing_files_error(root, npz_raw, name)


def processed_file(family_dir: Path, stem: str) -> Path:
    """Return where PyG's ``HeterophilousGraphDataset`` stores the processed graph."""
    return family_dir / stem / "processed" / "data.pt"


def _read_with_pyg(stem: str, family_dir: Path, raw: RawFiles) -> Data:
    from torch_geometric.datasets import HeterophilousGraphDataset

    check_npz_graph(raw.paths(family_dir)[0])
    with pyg_root(family_dir, [raw], [f"{stem}/processed"]) as root:
        dataset = HeterophilousGraphDataset(str(root), stem)
    return _undirected_graph(dataset[0], stem, Path(root))


def _undirected_graph(data: Data, stem: str, root: Path) -> Data:
    """Add the missing reverse edges to ``data`` in place and return it.

    torch_geometric 2.3.0 and older stored each edge of these archives once, and PyG
    reuses a processed file that such a version wrote.
    """
    if is_symmetric(data.edge_index, data.num_nodes):
        return data
    logger.warning(
        "%s: the processed file in %s contains one direction of some edges (as "
        "written by torch_geometric 2.3.0 or older); adding the reverse edges. Delete "
        "that folder to process the archive again.",
        stem,
        root / stem / "processed",
    )
    from torch_geometric.utils import to_undirected

    data.edge_index = to_undirected(data.edge_index, num_nodes=data.num_nodes)
    return data


def is_symmetric(edge_index: Tensor, num_nodes: int) -> bool:
    """Return whether the edge multiset equals its reverse, as PyG's ``is_undirected``.

    The edges are compared as keys ``row * N + col``. PyG sorts both the edges and their
    reverse. The edges of a processed file are already sorted, so only the reverse is
    sorted here: 0.43 of PyG's CPU time on tolokers (``benchmarks/dataset_loading.py``).
    """
    if num_nodes > 0 and num_nodes > (2**63 - 1) // num_nodes:
        from torch_geometric.utils import is_undirected

        return is_undirected(edge_index, num_nodes=num_nodes)  # keys would overflow
    row, col = edge_index[0].long(), edge_index[1].long()
    keys = row * num_nodes + col
    if keys.numel() > 1 and not bool((keys[1:] >= keys[:-1]).all()):
        keys = keys.sort().values
    return torch.equal(keys, (col * num_nodes + row).sort().values)


def yandex_raw_files(name: str) -> RawFiles:
    """Describe the archive of ``name`` in the ``yandex_npz`` family folder."""
    return RawFiles("yandex_npz", ".", (f"{file_stem(name)}.npz",), NPZ_DESCRIPTION)


def load_yandex_npz(
    name: str, root: str | Path | None = None, split: int | None = None
) -> GraphTensors:
    """Read ``<family>/<name>.npz`` from the ``yandex_npz`` family folder."""
    root = data_root(root)
    raw = yandex_raw_files(name)
    family_dir = find_family_dir(root, raw)
    if family_dir is None:
        raise missing_files_error(root, raw, name)
    return select_split(read_npz_graph(raw.paths(family_dir)[0]), split, name)


def read_npz_graph(path: Path) -> GraphTensors:
    """Read a Yandex archive into a ``GraphTensors`` with both directions of every edge.

    Each row ``(u, v)`` of ``edges`` becomes the edges ``u -> v`` and ``v -> u``.
    Repeated edges are merged and the result sorted, as PyG's ``to_undirected`` does,
    without PyG. The reverse edges are added to every archive, so a ``_directed``
    archive is read as its undirected graph.
    """
    arrays = check_npz_graph(path)
    num_nodes = arrays["node_features"].shape[0]
    edge_index = torch.from_numpy(arrays["edges"].astype(np.int64)).t().contiguous()
    return GraphTensors(
        x=torch.from_numpy(arrays["node_features"]).float(),
        edge_index=symmetric_edges(edge_index, num_nodes),
        y=torch.from_numpy(arrays["node_labels"].astype(np.int64)),
        train_mask=torch.from_numpy(arrays["train_masks"]).bool().t().contiguous(),
        val_mask=torch.from_numpy(arrays["val_masks"]).bool().t().contiguous(),
        test_mask=torch.from_numpy(arrays["test_masks"]).bool().t().contiguous(),
    )


def check_npz_graph(path: Path) -> dict[str, np.ndarray]:
    """Read a Yandex archive and check its keys and shapes; return its arrays."""
    arrays = read_npz_arrays(path, NPZ_KEYS, "archive")
    features, labels, edges = (
        arrays["node_features"],
        arrays["node_labels"],
        arrays["edges"],
    )
    if features.ndim != 2 or labels.shape != (features.shape[0],):
        raise ShapeMismatchError(
            f"{path}: node_features has shape {features.shape} but node_labels has shape "
            f"{labels.shape}; expected [N, F] features and [N] labels for the same N nodes",
            (features.shape, labels.shape),
        )
    num_nodes = features.shape[0]
    for key in ("train_masks", "val_masks", "test_masks"):
        if arrays[key].ndim != 2 or arrays[key].shape[1] != num_nodes:
            raise ShapeMismatchError(
                f"{path}: {key} has shape {arrays[key].shape}; expected [splits, {num_nodes}]",
                (arrays[key].shape, features.shape),
            )
    if edges.ndim != 2 or edges.shape[1] != 2:
        raise DatasetFormatError(
            f"{path}: edges has shape {edges.shape}; expected [E, 2]"
        )
    if edges.size and (edges.min() < 0 or edges.max() >= num_nodes):
        bad = edges[(edges < 0) | (edges >= num_nodes)]
        raise UnknownNodeIdError(
            f"{path}: edges refer to node id(s) {bad[:5].tolist()} outside 0..{num_nodes - 1} "
            f"(node_features has {num_nodes} rows)",
            [str(value) for value in bad[:20].tolist()],
        )
    return arrays
