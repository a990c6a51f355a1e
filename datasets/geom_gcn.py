"""The Geom-GCN graphs: WebKB (cornell, texas, wisconsin), Actor, Wikipedia chameleon/squirrel.

Pei et al., "Geom-GCN: Geometric Graph Convolutional Networks", ICLR 2020.

Raw folders (family folder in brackets):

* ``[webkb] <name>/raw/``, ``[actor] raw/``, ``[wikipedia] <name>/geom_gcn/raw/``.
* ``out1_node_feature_label.txt``: a header line, then ``id<TAB>features<TAB>label`` per
  node. Features are comma-separated values, except for Actor, where they are the
  comma-separated indices of the non-zero entries of a 932-dimensional binary vector.
* ``out1_graph_edges.txt``: a header line, then ``src<TAB>dst`` per directed edge.
* ``<prefix>_split_0.6_0.2_{0..9}.npz``: the ten splits (``prefix`` is ``film`` for Actor).

The graphs are PyG's: edges as listed (duplicates removed, self-loops kept, not made
undirected), masks ``[N, 10]``.

For chameleon and squirrel without a node file, features and labels come from
``yandex_npz/<name>.npz``. Its nodes, undirected edges and ten splits match the Geom-GCN
files. Edges and splits still come from the Geom-GCN files, so the graph equals the one
that PyG's ``WikipediaNetwork`` builds.

``source="yandex"`` reads the whole graph from ``yandex_npz/<name>.npz`` instead (edges
made undirected). For cornell this is a different dataset: in the Geom-GCN repository
Cornell's node file is a copy of Texas's, so the Geom-GCN cornell has Texas's features
and labels, while the Yandex archive has Cornell's own.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from .edge_keys import coalesce_edges
from .geom_gcn_text import check_node_file, read_edge_file
from .graph_tensors import GraphTensors
from .heterophilous import load_yandex_npz, read_npz_graph, yandex_raw_files
from .layout import (
    RawFiles,
    candidate_family_dirs,
    data_root,
    download_hint,
    find_family_dir,
    missing_files_error,
    pyg_root,
)
from .splits import read_split_files, select_split

if TYPE_CHECKING:
    from torch_geometric.data import Data

logger = logging.getLogger(__name__)

NODE_FILE = "out1_node_feature_label.txt"
# SHA-256 of texas/out1_node_feature_label.txt in the Geom-GCN repository
# (graphdml-uiuc-jlu/geom-gcn, new_data/). Its cornell folder repeats this file byte
# for byte.
TEXAS_NODE_FILE_SHA256 = (
    "cf5a3ca346cdd1210b8342e22517fcbbdae658065b7a3145f59350e50e6236a3"
)
EDGE_FILE = "out1_graph_edges.txt"
NUM_SPLITS = 10
WEBKB = ("cornell", "texas", "wisconsin")
WIKIPEDIA = ("chameleon", "squirrel")
GEOM_GCN_NAMES = (*WEBKB, "actor", *WIKIPEDIA)


def split_file_names(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}_split_0.6_0.2_{k}.npz" for k in range(NUM_SPLITS))


def geom_gcn_raw_files(name: str, with_node_file: bool = True) -> RawFiles:
    """Describe the raw folder of Geom-GCN dataset ``name``."""
    if name in WEBKB:
        family, folder, prefix = "webkb", f"{name}/raw", name
    elif name == "actor":
        family, folder, prefix = "actor", "raw", "film"
    else:
        family, folder, prefix = "wikipedia", f"{name}/geom_gcn/raw", name
    text = (NODE_FILE, EDGE_FILE) if with_node_file else (EDGE_FILE,)
    return RawFiles(
        family=family,
        folder=folder,
        names=text + split_file_names(prefix),
        description=(
            f"{NODE_FILE} (nodes: id, features, label), {EDGE_FILE} (edges) and the ten "
            f"split files {prefix}_split_0.6_0.2_{{0..9}}.npz"
        ),
    )


def load_geom_gcn(
    name: str,
    root: str | Path | None = None,
    split: int | None = None,
    source: str = "geom-gcn",
    download: bool = False,
) -> Data | GraphTensors:
    """Load ``cornell``, ``texas``, ``wisconsin``, ``actor``, ``chameleon`` or ``squirrel``.

    A graph read without PyG (from a Yandex archive, or chameleon and squirrel without
    their Geom-GCN node file) is a ``GraphTensors``, which ``load_dataset`` turns into a
    ``Data`` unless called with ``pyg_data=False``.

    Args:
        name (str): Dataset name.
        root (str or Path, optional): Data root (see :mod:`graphkit.datasets.layout`).
        split (int, optional): None keeps all ten splits (masks ``[N, 10]``), an integer
            ``k`` keeps split ``k`` (masks ``[N]``).
        source (str): ``"geom-gcn"`` (default) for the Geom-GCN files, ``"yandex"`` for
            the archive ``yandex_npz/<name>.npz``.
        download (bool): Let PyG download missing Geom-GCN files (default False).
    """
    data = _load_graph(name, root, split, source, download)
    if name in WIKIPEDIA:
        warn_about_duplicate_nodes(name)
    return data


def warn_about_duplicate_nodes(name: str) -> None:
    """Log that chameleon and squirrel contain duplicate nodes, and name the fix."""
    logger.warning(
        "%s contains many duplicate nodes, which put copies of test nodes into the "
        "training split (Platonov et al., 'A critical look at the evaluation of GNNs "
        "under heterophily', ICLR 2023), so accuracies on it are optimistic. The "
        "%s-filtered dataset is the graph without them",
        name,
        name,
    )


def _load_graph(
    name: str,
    root: str | Path | None,
    split: int | None,
    source: str,
    download: bool,
) -> Data | GraphTensors:
    if source == "yandex":
        return load_yandex_npz(name, root, split)
    if source != "geom-gcn":
        raise ValueError(
            f"{name}: unknown source {source!r}; use 'geom-gcn' or 'yandex'"
        )
    root = data_root(root)
    raw = geom_gcn_raw_files(name)
    family_dir = find_family_dir(root, raw)
    if family_dir is not None:
        folder = family_dir / raw.folder
        num_nodes = check_node_file(folder / NODE_FILE, sparse=name == "actor")
        read_edge_file(folder / EDGE_FILE, num_nodes)
        # PyG reads the split files without naming one that is unreadable or short.
        read_split_files(raw.paths(family_dir)[2:], num_nodes)
    elif name in WIKIPEDIA and not download:
        return select_split(_read_wikipedia_with_npz(name, root), split, name)
    elif download:
        family_dir = candidate_family_dirs(root, raw.family)[0]
        family_dir.mkdir(parents=True, exist_ok=True)
    else:
        raise missing_files_error(root, raw, name, download_hint())
    data = _read_with_pyg(name, family_dir, raw)
    if name == "cornell":
        warn_if_texas_copy(family_dir)
    return select_split(data, split, name)


def warn_if_texas_copy(family_dir: Path) -> None:
    """Log a warning when Cornell's node file is a copy of the Texas one.

    The file is compared with :data:`TEXAS_NODE_FILE_SHA256` and with the Texas node
    file of the same family folder, when there is one.
    """
    path = family_dir / "cornell" / "raw" / NODE_FILE
    texas = family_dir / "texas" / "raw" / NODE_FILE
    if not path.is_file():
        return
    content = path.read_bytes()
    copied = hashlib.sha256(content).hexdigest() == TEXAS_NODE_FILE_SHA256
    if not copied and texas.is_file():
        copied = texas.read_bytes() == content
    if copied:
        logger.warning(
            "cornell: %s is a copy of the Texas node file, as in the Geom-GCN repository "
            "and PyG's WebKB('cornell'). This graph therefore has Cornell's edges with "
            "Texas's features and labels. For Cornell's own features and labels, which "
            "come with other node ids, load it with source='yandex': "
            "load_dataset('cornell', source='yandex'), or --dataset-options "
            "'{source: yandex}' for graphkit train, partition, analyze and isvd "
            "nodeclass",
            path,
        )


def _read_with_pyg(name: str, family_dir: Path, raw: RawFiles) -> Data:
    from torch_geometric.datasets import Actor, WebKB, WikipediaNetwork

    processed = str(Path(raw.folder).parent / "processed")
    with pyg_root(family_dir, [raw], [processed]) as root:
        if name in WEBKB:
            dataset = WebKB(str(root), name)
        elif name == "actor":
            dataset = Actor(str(root))
        else:
            dataset = WikipediaNetwork(str(root), name, geom_gcn_preprocess=True)
    return dataset[0]


def _read_wikipedia_with_npz(name: str, root: Path) -> GraphTensors:
    """Build chameleon or squirrel from the Geom-GCN edges and splits and the npz features."""
    raw = geom_gcn_raw_files(name, with_node_file=False)
    family_dir = find_family_dir(root, raw)
    npz_raw = yandex_raw_files(name)
    npz_dir = find_family_dir(root, npz_raw)
    if family_dir is None or npz_dir is None:
        hint = (
            f"Features and labels are read from {NODE_FILE} in that folder or, when it is "
            f"absent, from <root>/yandex_npz/{name}.npz"
        )
        if family_dir is None:
            raise missing_files_error(root, raw, name, hint + ".")
        raise missing_files_error(
            root,
            npz_raw,
            name,
            hint + f", but neither was found (looked for {NODE_FILE} "
            f"in {family_dir / raw.folder}).",
        )
    features = read_npz_graph(npz_raw.paths(npz_dir)[0])
    num_nodes = features.num_nodes
    edge_index = read_edge_file(family_dir / raw.folder / EDGE_FILE, num_nodes)
    paths = raw.paths(family_dir)[1:]
    masks = read_split_files(paths, num_nodes)
    return GraphTensors(
        x=features.x,
        edge_index=coalesce_edges(edge_index, num_nodes),
        y=features.y,
        **masks,
    )
