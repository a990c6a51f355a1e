"""OGB node-property datasets (``ogbn-*``) through the ``ogb`` package.

Hu et al., "Open Graph Benchmark: Datasets for Machine Learning on Graphs", NeurIPS 2020.

``<family>/<ogbn_name>/`` (family folder ``ogb``; ``ogbn-arxiv`` is stored as
``ogbn_arxiv``) is the folder ``ogb`` downloads and extracts: ``raw/``, ``split/`` and
``RELEASE_v<version>.txt``. Nothing is downloaded unless ``download=True``.

Conversions to graphkit's conventions: labels ``[N, 1]`` become ``[N]``; unlabelled nodes
(NaN labels in ogbn-papers100M) get label -1; the official split becomes 1-D masks.
ogbn-proteins has no node features, so ``x`` is the mean of the features of the edges
into each node (the usual choice in OGB's examples) and ``y`` keeps its 112 binary
tasks (``[N, 112]``). ogbn-mag is heterogeneous and not supported.

Edges are kept as stored, so the citation graphs ogbn-arxiv and ogbn-papers100M stay
directed and a layer aggregates over one direction only. OGB's ogbn-arxiv examples add
reverse edges: pass ``to_undirected=True`` to ``load_dataset`` (``graphkit train
--dataset-options '{"to_undirected": true}'``) to do the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import torch

from graphkit.option_names import from_command_line

from .errors import DatasetFormatError, DatasetNotFoundError, UnknownDatasetError
from .layout import RawFiles, candidate_family_dirs, data_root, pyg_root
from .splits import select_split

if TYPE_CHECKING:
    from torch_geometric.data import Data

OGB_NODE_NAMES = ("ogbn-arxiv", "ogbn-products", "ogbn-proteins", "ogbn-papers100M")
HETEROGENEOUS = ("ogbn-mag",)


def load_ogb_node(
    name: str,
    root: str | Path | None = None,
    split: int | None = None,
    download: bool = False,
) -> Data:
    """Load an ``ogbn-*`` dataset with its official split.

    Args:
        name (str): One of ``OGB_NODE_NAMES`` (case as OGB spells it).
        root (str or Path, optional): Folder holding the ``ogb`` family folder, or the
            family folder itself (the ``root`` argument of OGB's own loaders).
        split (int, optional): None or 0 (OGB gives one split).
        download (bool): Let ``ogb`` download the dataset into the family folder
            (default False).
    """
    from ogb.nodeproppred import PygNodePropPredDataset

    if name in HETEROGENEOUS:
        raise DatasetFormatError(
            f"{name} is a heterogeneous graph, which load_dataset does not support; use "
            "ogb.nodeproppred.PygNodePropPredDataset directly"
        )
    if name not in OGB_NODE_NAMES:
        raise UnknownDatasetError(name, list(OGB_NODE_NAMES))
    root = data_root(root)
    dir_name = name.replace("-", "_")
    family_dir = _find_ogb_dir(root, dir_name)
    if family_dir is None:
        if not download:
            searched = ", ".join(
                str(p / dir_name) for p in candidate_family_dirs(root, "ogb")
            )
            cli_hint = (
                " (--dataset-options '{download: true}' to graphkit train or partition)"
                if from_command_line()
                else ""
            )
            raise DatasetNotFoundError(
                f"{name}: dataset folder not found (searched {searched}). It should contain "
                "raw/, split/ and RELEASE_v<version>.txt as extracted from OGB's zip file. "
                f"Pass download=True{cli_hint} to let the ogb package fetch it."
            )
        family_dir = candidate_family_dirs(root, "ogb")[0]
        family_dir.mkdir(parents=True, exist_ok=True)
        with _ogb_safe_globals():
            dataset = PygNodePropPredDataset(name, root=str(family_dir))
            index = dataset.get_idx_split()
    else:
        files = tuple(
            str(path.relative_to(family_dir / dir_name))
            for path in sorted((family_dir / dir_name).rglob("*"))
            if path.is_file()
        )
        raw = RawFiles("ogb", dir_name, files, "OGB's extracted dataset folder")
        processed = [f"{dir_name}/processed"]
        with pyg_root(family_dir, [raw], processed) as writable, _ogb_safe_globals():
            dataset = PygNodePropPredDataset(name, root=str(writable))
            index = dataset.get_idx_split()
    data = _to_graphkit(dataset[0], index, name)
    data.num_classes = _num_classes(dataset, name)
    return select_split(data, split, name)


def _ogb_safe_globals():
    """Allow the PyG classes inside OGB's processed file in ``torch.load``.

    ogb 1.3 calls ``torch.load`` without ``weights_only``, which defaults to True since
    torch 2.6 and then rejects the PyG storage classes of its own processed file.
    """
    from torch_geometric.data.data import DataEdgeAttr, DataTensorAttr
    from torch_geometric.data.storage import GlobalStorage

    return torch.serialization.safe_globals(
        [DataEdgeAttr, DataTensorAttr, GlobalStorage]
    )


def _find_ogb_dir(root: Path, dir_name: str) -> Path | None:
    for family_dir in candidate_family_dirs(root, "ogb"):
        folder = family_dir / dir_name
        if folder.is_dir():
            if not any(folder.glob("RELEASE_v*.txt")):
                # ogb would stop and ask on stdin whether to delete an unversioned folder.
                raise DatasetFormatError(
                    f"{folder} has no RELEASE_v<version>.txt, so ogb cannot tell its "
                    "version; delete the folder and download it again"
                )
            return family_dir
    return None


def _to_graphkit(graph: Data, index: dict, name: str) -> Data:
    from torch_geometric.data import Data
    from torch_geometric.utils import index_to_mask, scatter

    num_nodes = graph.num_nodes
    y = graph.y
    if y.is_floating_point():
        y = torch.nan_to_num(y, nan=-1.0).long()
    if y.dim() == 2 and y.size(1) == 1:
        y = y.view(-1)
    x = graph.x
    if x is None and graph.edge_attr is not None:
        x = scatter(
            graph.edge_attr.float(), graph.edge_index[1], 0, num_nodes, reduce="mean"
        )
    return Data(
        x=x.float() if x is not None else None,
        edge_index=graph.edge_index,
        y=y,
        train_mask=index_to_mask(index["train"], num_nodes),
        val_mask=index_to_mask(index["valid"], num_nodes),
        test_mask=index_to_mask(index["test"], num_nodes),
        num_nodes=num_nodes,
    )


def _num_classes(dataset, name: str) -> int:
    if name == "ogbn-proteins":
        return int(dataset.num_tasks)
    return int(dataset.num_classes)
