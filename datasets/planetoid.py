"""Planetoid citation graphs (Cora, CiteSeer, PubMed) with the public and Geom-GCN splits.

Yang, Cohen and Salakhutdinov, "Revisiting Semi-Supervised Learning with Graph Embeddings",
ICML 2016. Split files: Pei et al., "Geom-GCN: Geometric Graph Convolutional Networks",
ICLR 2020.

Files, in ``<family>/<Name>/raw/``: ``ind.<name>.{x,tx,allx,y,ty,ally,graph,test.index}``.
The public split trains on the rows of ``x`` (20 per class), validates on the next 500
node ids and tests on the ids in ``test.index``. The ten Geom-GCN splits are read from
``<family>/geom_gcn_splits/<name>_split_0.6_0.2_{0..9}.npz`` (or PyG's layout,
``<family>/<Name>/geom-gcn/raw/``); they do not cover every node.

With ``features=False`` the graph and labels are read without ``x``, ``tx`` and ``allx``,
which is how PubMed loads when its ``ind.pubmed.allx`` file is absent.
"""

from __future__ import annotations

import logging
import pickle
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from graphkit.option_names import from_command_line

from .edge_keys import coalesce_edges
from .errors import DatasetFormatError, InvalidSplitError
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
from .splits import MASK_NAMES, read_split_files, select_split

if TYPE_CHECKING:
    from torch_geometric.data import Data

logger = logging.getLogger(__name__)

PLANETOID_NAMES = {"cora": "Cora", "citeseer": "CiteSeer", "pubmed": "PubMed"}
FEATURE_KINDS = ("x", "tx", "allx")
LABEL_KINDS = ("y", "ty", "ally", "graph", "test.index")
NUM_GEOM_GCN_SPLITS = 10


def planetoid_raw_files(name: str, features: bool = True) -> RawFiles:
    """Describe the raw files of Planetoid dataset ``name`` (``"cora"``)."""
    kinds = (FEATURE_KINDS if features else ()) + LABEL_KINDS
    without_features = (
        "--dataset-options '{features: false}'"
        if from_command_line()
        else "features=False"
    )
    return RawFiles(
        family="planetoid",
        folder=f"{PLANETOID_NAMES[name]}/raw",
        names=tuple(f"ind.{name}.{kind}" for kind in kinds),
        description=(
            f"the Planetoid files ind.{name}.{{x,tx,allx,y,ty,ally,graph,test.index}} "
            f"(x, tx, allx are not needed with {without_features})"
        ),
    )


def load_planetoid(
    name: str,
    root: str | Path | None = None,
    split: int | str | None = None,
    features: bool = True,
    download: bool = False,
) -> Data | GraphTensors:
    """Load ``cora``, ``citeseer`` or ``pubmed``.

    The files are read without PyG, into a ``GraphTensors`` that ``load_dataset`` turns
    into a ``Data`` unless called with ``pyg_data=False``. Only ``download=True`` with
    missing files goes through PyG's ``Planetoid``, which fetches and reads them.

    Args:
        name (str): ``"cora"``, ``"citeseer"`` or ``"pubmed"``.
        root (str or Path, optional): Data root (see :mod:`graphkit.datasets.layout`).
        split (int or str, optional): ``None`` or ``"public"`` for the public split
            (1-D masks), an integer ``k`` in ``0..9`` for Geom-GCN split ``k`` (1-D masks),
            ``"geom-gcn"`` for all ten Geom-GCN splits (masks ``[N, 10]``).
        features (bool): Read node features into ``x`` (default True). With False,
            ``x`` is None and the feature files are not needed.
        download (bool): Let PyG download missing raw files into ``root`` (default False).

    Shapes:
        ``x [N, F]``, ``edge_index [2, E]`` (both directions stored, no self-loops),
        ``y [N]``.
    """
    if not isinstance(features, bool):
        # A file name would be truthy, so the run would silently train on the
        # Planetoid features instead of the file.
        if from_command_line():
            where = "--dataset-options"
            own = "--dataset EDGES --dataset-options '{features: FILE}'"
        else:
            where, own = "load_dataset", "load_dataset(EDGES, features=FILE)"
        raise ValueError(
            f"{name}: features must be true or false (whether to read the Planetoid "
            f"feature files), got {features!r} in {where}. A feature file of your own "
            f"needs an edge-list file EDGES as the dataset: {own}"
        )
    if isinstance(split, str) and split not in ("public", "geom-gcn"):
        raise InvalidSplitError(
            f"{name}: unknown split {split!r}; use None or 'public' (public split), "
            f"'geom-gcn' (all {NUM_GEOM_GCN_SPLITS} Geom-GCN splits) or an integer "
            f"0..{NUM_GEOM_GCN_SPLITS - 1} (one Geom-GCN split)"
        )
    root = data_root(root)
    raw = planetoid_raw_files(name, features)
    family_dir = find_family_dir(root, raw)
    downloading = family_dir is None
    if family_dir is None and not download:
        hint = download_hint()
        if features and find_family_dir(root, planetoid_raw_files(name, False)):
            hint = features_missing_hint(name)
        raise missing_files_error(root, raw, name, hint)
    if family_dir is None:
        family_dir = candidate_family_dirs(root, raw.family)[0]
        family_dir.mkdir(parents=True, exist_ok=True)

    if downloading:
        data = _read_with_pyg(name, family_dir, raw)
    else:
        data = read_planetoid(family_dir / raw.folder, name, features)

    if split is None or split == "public":
        return data
    split_masks = read_geom_gcn_masks(family_dir, name, data.num_nodes)
    for key, masks in split_masks.items():
        data[key] = masks
    if split != "geom-gcn":
        data = select_split(data, split, name)
    unlabelled = nodes_without_label(family_dir / raw.folder, name)
    warn_about_unlabelled_in_masks(data, name, unlabelled)
    return data


def nodes_without_label(folder: Path, name: str) -> torch.Tensor:
    """Return the ids within the range of ``ind.<name>.test.index`` that it leaves out.

    Such nodes have no row in ``ty`` and so no label, and PyG gives them label 0. There
    are 15 in CiteSeer and none in Cora or PubMed. An absent file gives no ids.
    """
    path = folder / f"ind.{name}.test.index"
    if not path.is_file():
        return torch.zeros(0, dtype=torch.long)
    test_ids = torch.tensor([int(float(value)) for value in path.read_text().split()])
    between = torch.arange(int(test_ids.min()), int(test_ids.max()) + 1)
    return between[~torch.isin(between, test_ids)]


def warn_about_unlabelled_in_masks(data, name: str, unlabelled: torch.Tensor) -> None:
    """Log a warning when the masks contain nodes whose label 0 is a placeholder."""
    if unlabelled.numel() == 0:
        return
    # Rows [U, S]: mask entries of the unlabelled nodes in each of the S splits loaded.
    rows = {
        key: data[key][unlabelled].view(unlabelled.numel(), -1) for key in MASK_NAMES
    }
    in_any_mask = torch.cat(list(rows.values()), dim=1).any(dim=1)
    in_masks = int(in_any_mask.sum())
    if in_masks == 0:
        return
    counts = ", ".join(f"{int(row.sum())} in {key}" for key, row in rows.items())
    logger.warning(
        "%s: %d of the %d nodes without a Planetoid label are in the split masks (%s, "
        "summed over the splits loaded). As in PyG, these nodes get label 0, so "
        "training and accuracy count them as class 0. To use labelled nodes only, set "
        "data.train_mask[ids] = data.val_mask[ids] = data.test_mask[ids] = False "
        "for ids = %s",
        name,
        in_masks,
        unlabelled.numel(),
        counts,
        unlabelled.tolist(),
    )


def features_missing_hint(name: str) -> str:
    """Return the hint for Planetoid files that have the graph and labels but no features.

    On the command line, features=False can only be set in --dataset-options, and
    graphkit train and isvd nodeclass cannot use a graph without features. So the
    command-line hint explains how to get the missing feature files instead.
    """
    if from_command_line():
        return (
            f"The graph and label files are present, so graphkit analyze reads {name}, "
            f"but training needs the missing feature files. {download_hint()}"
        )
    return (
        "The graph and label files are present: pass features=False to load "
        f"{name} without node features (x=None)."
    )


def _read_with_pyg(name: str, family_dir: Path, raw: RawFiles) -> Data:
    from torch_geometric.datasets import Planetoid

    pyg_name = PLANETOID_NAMES[name]
    with pyg_root(family_dir, [raw], [f"{pyg_name}/processed"]) as root:
        try:
            dataset = Planetoid(str(root), pyg_name, split="public")
        except (pickle.UnpicklingError, EOFError, ValueError, IndexError) as error:
            raise DatasetFormatError(
                f"{name}: could not read the Planetoid files in {family_dir / raw.folder}: "
                f"{error}"
            ) from error
    return dataset[0]


def read_planetoid_labels(folder: Path, name: str) -> GraphTensors:
    """Read the graph, labels and public split of a Planetoid dataset, without features."""
    return read_planetoid(folder, name, features=False)


def read_planetoid(folder: Path, name: str, features: bool = True) -> GraphTensors:
    """Read the graph, labels, public split and (with ``features``) features of a dataset.

    Node order, labels and features follow PyG's ``read_planetoid_data``: the rows of
    ``ally`` (``allx``) then those of ``ty`` (``tx``), with the test rows moved to the
    ids listed in ``test.index``. Test ids that have no row in ``ty`` (15 CiteSeer
    nodes, each with one or two edges) get label 0 and zero features, as in PyG. The
    files are read without PyG, and the result equals PyG's
    (``tests/datasets/test_loaders_without_pyg.py``).
    """
    try:
        y_train, ty, ally = (
            _read_rows(folder, name, kind) for kind in ("y", "ty", "ally")
        )
        tx, allx = (
            (_read_rows(folder, name, kind) for kind in ("tx", "allx"))
            if features
            else (None, None)
        )
        graph = _read_pickle(folder / f"ind.{name}.graph")
        text = (folder / f"ind.{name}.test.index").read_text()
        test_index = torch.tensor([float(value) for value in text.split()]).long()
    except (pickle.UnpicklingError, EOFError, ValueError) as error:
        raise DatasetFormatError(
            f"{name}: could not read the Planetoid files in {folder}: {error}"
        ) from error
    sorted_test_index = test_index.sort()[0]
    y = _test_rows_in_place(ally, ty, test_index, sorted_test_index).argmax(dim=1)
    x = None
    if features:
        x = _test_rows_in_place(allx, tx, test_index, sorted_test_index)

    num_nodes = y.size(0)
    num_train = y_train.size(0)
    masks = {}
    for key, index in (
        ("train_mask", torch.arange(num_train)),
        ("val_mask", torch.arange(num_train, num_train + 500)),
        ("test_mask", test_index),
    ):
        masks[key] = torch.zeros(num_nodes, dtype=torch.bool)
        masks[key][index] = True
    return GraphTensors(
        x=x,
        edge_index=_edges_from_adjacency(graph, num_nodes),
        y=y,
        **masks,
        num_nodes=num_nodes,
    )


def _test_rows_in_place(
    rows: torch.Tensor,
    test_rows: torch.Tensor,
    test_index: torch.Tensor,
    sorted_test_index: torch.Tensor,
) -> torch.Tensor:
    """Stack ``rows`` and ``test_rows`` and move the test rows to the ids of ``test_index``.

    Row i of ``test_rows`` belongs to the i-th smallest test id. Ids between the
    smallest and the largest test id without a row get a row of zeros.
    """
    low = int(sorted_test_index[0])
    padded = test_rows.new_zeros(int(sorted_test_index[-1]) - low + 1, test_rows.size(1))
    padded[sorted_test_index - low] = test_rows
    stacked = torch.cat([rows, padded], dim=0)
    stacked[test_index] = stacked[sorted_test_index]
    return stacked


def _read_pickle(path: Path):
    # The files were pickled by Python 2, so byte strings decode as latin-1.
    with path.open("rb") as handle, warnings.catch_warnings():
        # Unpickling their scipy matrices warns about the old scipy.sparse.csr module.
        warnings.filterwarnings("ignore", message=".*scipy.sparse.csr")
        return pickle.load(handle, encoding="latin1")


def _read_rows(folder: Path, name: str, kind: str) -> torch.Tensor:
    """Read the rows ``ind.<name>.<kind>`` (one-hot labels or features) as float32."""
    rows = _read_pickle(folder / f"ind.{name}.{kind}")
    if hasattr(rows, "todense"):
        rows = rows.todense()
    return torch.from_numpy(np.asarray(rows)).float()


def _edges_from_adjacency(graph: dict, num_nodes: int) -> torch.Tensor:
    """Build ``edge_index`` from ``{node: [neighbours]}`` without self-loops or duplicates.

    The files contain both, and PyG's ``edge_index_from_dict`` drops them as well. As
    there, the edges are sorted by target, then source.
    """
    rows = [source for source, targets in graph.items() for _ in targets]
    cols = [target for targets in graph.values() for target in targets]
    edge_index = torch.tensor([rows, cols], dtype=torch.long).view(2, -1)
    edge_index = edge_index[:, edge_index[0] != edge_index[1]]
    return coalesce_edges(edge_index, num_nodes, sort_by_row=False)


def read_geom_gcn_masks(family_dir: Path, name: str, num_nodes: int) -> dict:
    """Read the ten Geom-GCN split files of ``name`` into masks of shape ``[N, 10]``."""
    names = tuple(f"{name}_split_0.6_0.2_{k}.npz" for k in range(NUM_GEOM_GCN_SPLITS))
    layouts = [
        RawFiles("planetoid", "geom_gcn_splits", names, "the ten Geom-GCN split files"),
        RawFiles("planetoid", f"{PLANETOID_NAMES[name]}/geom-gcn/raw", names, ""),
    ]
    for raw in layouts:
        if not raw.missing(family_dir):
            return read_split_files(raw.paths(family_dir), num_nodes)
    raise missing_files_error(family_dir, layouts[0], name)
