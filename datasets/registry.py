"""``load_dataset``: one call from a dataset name to a PyG ``Data`` with masks."""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from graphkit.hints import did_you_mean
from graphkit.option_names import from_command_line

from .edge_list import load_edge_list
from .errors import UnknownDatasetError
from .geom_gcn import GEOM_GCN_NAMES, load_geom_gcn
from .graph_tensors import GraphTensors
from .heterophilous import PYG_HETEROPHILOUS, YANDEX_ONLY, load_heterophilous
from .layout import data_root
from .ogb_nodes import HETEROGENEOUS, OGB_NODE_NAMES, load_ogb_node
from .planetoid import PLANETOID_NAMES, load_planetoid
from .splits import select_split
from .synthetic import CSBMConfig, csbm_tensors, synthetic_csbm

if TYPE_CHECKING:
    from torch_geometric.data import Data

logger = logging.getLogger(__name__)

EDGE_LIST = "edge-list"
SYNTHETIC = "synthetic"
ALIASES = {"film": "actor"}


def _loaders() -> dict[str, Callable[..., Data]]:
    loaders: dict[str, Callable[..., Data]] = {}
    for name in PLANETOID_NAMES:
        loaders[name] = partial(load_planetoid, name)
    for name in GEOM_GCN_NAMES:
        loaders[name] = partial(load_geom_gcn, name)
    for name in (*PYG_HETEROPHILOUS, *YANDEX_ONLY):
        loaders[name] = partial(load_heterophilous, name)
    for name in (*OGB_NODE_NAMES, *HETEROGENEOUS):
        loaders[name] = partial(load_ogb_node, name)
    loaders[SYNTHETIC] = _load_synthetic
    loaders[EDGE_LIST] = _load_edge_list
    return loaders


def list_datasets() -> list[str]:
    """Return the names that :func:`load_dataset` accepts, sorted."""
    return sorted(name for name in LOADERS if name not in HETEROGENEOUS)


def canonical_name(name: str) -> str | None:
    """Return the registered spelling of ``name`` (case and ``_``/``-`` ignored), or None."""
    requested = name.strip().lower().replace("_", "-")
    requested = ALIASES.get(requested, requested)
    for known in LOADERS:
        if known.lower() == requested:
            return known
    return None


def _name_text(name) -> str:
    """Return a dataset name or edge-list path as a str, accepting ``os.PathLike``.

    Raises TypeError for other types, which would otherwise fail in ``str.strip``.
    """
    if isinstance(name, os.PathLike):
        name = os.fspath(name)
    if not isinstance(name, str):
        raise TypeError(
            f"name must be a dataset name such as 'cora' or the path of an edge-list "
            f"file, got {name!r} of type {type(name).__name__}. See list_datasets() "
            "for the names"
        )
    return name


def load_dataset(
    name: str,
    root: str | Path | None = None,
    split: int | str | None = None,
    *,
    features: bool | str | Path = True,
    to_undirected: bool = False,
    pyg_data: bool = True,
    **kwargs,
) -> Data | GraphTensors:
    """Load dataset ``name`` as a PyG ``Data`` with ``x``, ``edge_index``, ``y`` and masks.

    Args:
        name (str or Path): A name from :func:`list_datasets` (case and ``_``/``-``
            do not matter), or the path of an edge-list file (same as ``"edge-list"``
            with ``path=name``).
        root (str or Path, optional): Data root: the ``graphs/`` folder or one dataset
            family folder (``graphs/planetoid``); default ``$GRAPHKIT_DATA``. Unused by
            ``synthetic``.
        split (int or str, optional): Which split the masks hold. None keeps every split
            the dataset has (masks ``[N, S]`` for the Geom-GCN and Yandex datasets, 1-D
            masks for the Planetoid public split, OGB and generated splits). An integer
            ``k`` keeps split ``k`` as 1-D masks; for cora/citeseer/pubmed it selects
            Geom-GCN split ``k``, and ``"geom-gcn"`` all ten of them.
        features (bool or path): With False, ``x`` is None and feature files are not
            read where the loader can skip them (Planetoid, so PubMed loads without its
            ``ind.pubmed.allx`` file). Default True. For an edge list, the path of the
            node feature file.
        to_undirected (bool): Add the reverse of every edge (default False: the graph as
            its source stores it).
        pyg_data (bool): If False, a dataset read without PyG is returned as a
            :class:`GraphTensors` with the same fields, so that ``torch_geometric`` is
            not imported. These are ``synthetic``, the Planetoid datasets (unless
            ``download=True`` fetches missing files), archives in ``yandex_npz`` and
            chameleon and squirrel without their Geom-GCN node file. Other datasets
            are returned as a ``Data`` either way.
            Default True: always a ``Data``.
        **kwargs: Passed to the loader: ``download`` (all file-based datasets), ``source``
            (Geom-GCN datasets), the :class:`~graphkit.datasets.synthetic.CSBMConfig`
            fields (``synthetic``), the arguments of
            :func:`~graphkit.datasets.edge_list.load_edge_list` (``edge-list``).

    Returns:
        Data (or GraphTensors, see ``pyg_data``): with ``num_classes`` set as an
        attribute when ``y`` is given.
    """
    name = _name_text(name)
    key = canonical_name(name)
    if key is None and Path(name).expanduser().is_file():
        _check_one_path(name, kwargs.get("path"))
        key, kwargs = EDGE_LIST, {**kwargs, "path": name}
    if key is None:
        raise UnknownDatasetError(name, list_datasets())
    loader = LOADERS[key]
    if key == EDGE_LIST and not isinstance(features, bool):
        # For edge lists, ``features`` may name the feature file.
        kwargs["features"], features = features, True
    _check_options(key, kwargs)
    if key in PLANETOID_NAMES:
        data = loader(root=root, split=split, features=features, **kwargs)
    else:
        data = loader(root=root, split=split, **kwargs)
    if not features:
        data.num_nodes = data.num_nodes  # store it, since it can no longer come from x
        data.x = None
    if to_undirected:
        _add_reverse_edges(data)
    if data.y is not None and "num_classes" not in data:
        data.num_classes = count_classes(data.y)
    num_classes = data.get("num_classes")
    classes = "no labels" if num_classes is None else f"{num_classes} classes"
    logger.info(
        "loaded %s: %d nodes, %d stored edges, %s",
        key,
        data.num_nodes,
        data.edge_index.size(1),
        classes,
    )
    if pyg_data and isinstance(data, GraphTensors):
        return data.to_pyg()
    return data


def _add_reverse_edges(data) -> None:
    """Add the reverse of every edge of ``data`` in place (weights of a pair averaged)."""
    from torch_geometric.utils import to_undirected as make_undirected

    if data.get("edge_weight") is not None:
        data.edge_index, data.edge_weight = make_undirected(
            data.edge_index, data.edge_weight, data.num_nodes, reduce="mean"
        )
    else:
        data.edge_index = make_undirected(data.edge_index, num_nodes=data.num_nodes)


def _keyword_parameters(key: str) -> list[inspect.Parameter]:
    """Return the keyword parameters of the loader of ``key``, without root and split."""
    # These two loaders forward **kwargs, so their options are those of the callee.
    target = {SYNTHETIC: synthetic_csbm, EDGE_LIST: load_edge_list}.get(
        key, LOADERS[key]
    )
    keyword_kinds = (
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.KEYWORD_ONLY,
    )
    return [
        parameter
        for parameter in inspect.signature(target).parameters.values()
        if parameter.kind in keyword_kinds and parameter.name not in ("root", "split")
    ]


def loader_options(key: str) -> list[str]:
    """Return the keyword options that the loader of registered dataset ``key`` accepts."""
    return sorted(parameter.name for parameter in _keyword_parameters(key))


def loader_defaults(name: str) -> dict:
    """Return the default of each keyword option of dataset ``name``'s loader.

    ``name`` is resolved as :func:`load_dataset` resolves it (a file path is an edge
    list). An unknown name gives an empty mapping.
    """
    name = _name_text(name)
    key = canonical_name(name)
    if key is None and Path(name).expanduser().is_file():
        key = EDGE_LIST
    if key is None:
        return {}
    return {
        parameter.name: parameter.default
        for parameter in _keyword_parameters(key)
        if parameter.default is not inspect.Parameter.empty
    }


def _check_options(key: str, options: dict) -> None:
    """Raise ValueError naming each option in ``options`` that the loader of ``key`` lacks."""
    valid = loader_options(key)
    unknown = [name for name in options if name not in valid]
    if unknown:
        listed = ", ".join(f"{name!r}{did_you_mean(name, valid)}" for name in unknown)
        cli_hint = "--dataset-options or in " if from_command_line() else ""
        yaml_hint = ""
        joined = next((name for name in unknown if ":" in str(name)), None)
        if joined is not None:
            option_name, _, value = str(joined).partition(":")
            # YAML reads {labels:y.txt} as the key "labels:y.txt" with no value.
            yaml_hint = (
                f". YAML needs a space after the colon: write {{{option_name}: "
                f"{value}}}, not {{{joined}}}"
            )
        raise ValueError(
            f"dataset {key!r} has no option {listed}. Valid options: {valid}. Fix the "
            f"name in {cli_hint}the keyword arguments of load_dataset{yaml_hint}"
        )


def _check_one_path(name: str, path) -> None:
    """Raise ValueError when a file given as the dataset name has another ``path`` option."""
    if path is None:
        return
    option_path = Path(path).expanduser()
    name_path = Path(name).expanduser()
    if option_path == name_path or (
        option_path.is_file() and os.path.samefile(option_path, name_path)
    ):
        return
    where = "--dataset-options" if from_command_line() else "the keyword arguments"
    raise ValueError(
        f"the dataset is the file {name}, but path {path} is also given in {where}. "
        "Remove one of the two"
    )


def count_classes(y: torch.Tensor) -> int:
    """Return the number of classes in ``y`` (``max + 1``, or the columns of a multi-label y)."""
    if y.dim() == 2:
        return int(y.size(1))
    return int(y.max()) + 1 if y.numel() else 0


def _load_synthetic(root=None, split: int | None = None, **kwargs) -> GraphTensors:
    return select_split(csbm_tensors(CSBMConfig(**kwargs)), split, SYNTHETIC)


def _load_edge_list(root=None, split: int | None = None, path=None, **kwargs) -> Data:
    # Path("") is the working folder, so an empty path is rejected like a missing one.
    if path is None or (isinstance(path, str) and not path.strip()):
        usage = (
            "--dataset FILE or --dataset-options '{path: FILE}'"
            if from_command_line()
            else "path=FILE to load_dataset"
        )
        problem = "no edge-list file given"
        if path is not None:
            problem = f"path {path!r} is empty"
        raise ValueError(f"edge-list: {problem}. Pass {usage}")
    path = Path(path).expanduser()
    if not path.is_absolute() and not path.exists() and root is not None:
        path = data_root(root) / path
    data = load_edge_list(path, **kwargs)
    return data if data.y is None else select_split(data, split, EDGE_LIST)


LOADERS = _loaders()
