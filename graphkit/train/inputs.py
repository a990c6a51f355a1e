"""Checks on the node fields a trainer reads, run before the first epoch.

Without them a label vector or mask of the wrong length fails inside tensor indexing,
and an integer 0/1 mask is read as a list of node ids (rows 0 and 1), so training
silently uses the wrong nodes.
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphkit.option_names import from_command_line
from graphkit.train.multilabel import check_multi_label_values, is_multi_label

MASK_NAMES = ("train_mask", "val_mask", "test_mask")


def check_node_fields(
    data,
    num_nodes: int,
    mask_names: tuple[str, ...] = MASK_NAMES,
    float_features: bool = True,
    multi_label: bool = False,
) -> None:
    """Raise unless ``x``, ``y`` and the split masks of ``data`` fit ``num_nodes`` nodes.

    Args:
        data: PyG ``Data`` with ``x``, ``y`` and the masks of ``mask_names``.
        num_nodes (int): number of nodes in the graph, which is the number of rows
            that every field must have.
        mask_names (tuple[str, ...]): names of the masks to check. (default: the
            train, validation and test masks)
        float_features (bool): require a floating-point ``x``. Callers that convert
            ``x`` themselves pass False. (default: ``True``)
        multi_label (bool): accept ``y`` of shape ``[N, T]``, ``T > 1``, as ``T``
            binary tasks in an integer, bool or float tensor (see
            :mod:`graphkit.train.multilabel`).
            (default: ``False``)

    Raises:
        ValueError: If a field has the wrong number of rows or shape, ``x`` has a NaN
            or infinite value, or a labelled split contains a negative label (or, for
            multi-label ``y``, a value other than 0, 1, -1 and NaN).
        TypeError: If ``x`` is not floating point (with ``float_features``), ``y`` is
            not an integer tensor (unless multi-label), or a mask is not bool.
    """
    _check_present(data, ("x", "y", *mask_names))
    _check_tensors(data, ("x", "y", *mask_names))
    x, y = data.x, data.y
    _check_rows("data.x", x, num_nodes)
    if float_features and not x.is_floating_point():
        raise TypeError(
            f"data.x must be a floating-point tensor, got {x.dtype}. Convert it with "
            "data.x = data.x.float()"
        )
    finite = torch.isfinite(x)
    if not bool(finite.all()):
        # A model passed to the Trainer may read x of shape [N] or [N, A, B] as it is.
        first = (~finite).nonzero()[0].tolist()
        if x.dim() == 2:
            where = f"row {first[0]}, column {first[1]}"
        elif x.dim() == 1:
            where = f"row {first[0]}"
        else:
            where = f"row {first[0]}, index {tuple(first[1:])} within the row"
        raise ValueError(
            f"data.x contains {int((~finite).sum())} NaN or infinite values (first at "
            f"{where}). Replace or impute them before training, "
            "because one NaN feature spreads to every neighbour's output"
        )
    _check_rows("data.y", y, num_nodes)
    multi_label = multi_label and is_multi_label(y)
    if not multi_label and (y.is_floating_point() or y.is_complex()):
        raise TypeError(_float_labels_message(y))
    y = label_vector(y)
    split = None
    for name in mask_names:
        mask = getattr(data, name)
        if mask.dtype != torch.bool:
            if mask.dim() == 1 and mask.size(0) != num_nodes:
                # OGB's get_idx_split and many PyG examples give node ids.
                fix = (
                    f"It looks like node ids: convert them with torch_geometric.utils."
                    f"index_to_mask(data.{name}, size={num_nodes})"
                )
            else:
                fix = f"Convert a 0/1 mask with data.{name}.bool()"
            raise TypeError(
                f"data.{name} must be a bool tensor of shape [{num_nodes}], got "
                f"{mask.dtype} of shape {list(mask.shape)}. {fix}"
            )
        _check_rows(f"data.{name}", mask, num_nodes)
        if mask.dim() != 1:
            raise ValueError(
                f"data.{name} must have shape [{num_nodes}], got {list(mask.shape)}. "
                "Select one split of [N, S] masks with "
                "graphkit.train.trainer.masks_for_split(data, split)"
            )
        split = mask if split is None else split | mask
    if multi_label:
        check_multi_label_values(y, split)
    elif y.dim() == 1 and y.numel() and bool((y[split] < 0).any()):
        raise ValueError(
            f"data.y has negative labels (min {int(y[split].min())}) on nodes of the "
            "train, validation or test split. Give those nodes a class id >= 0, or "
            "leave unlabelled nodes out of every split"
        )


def check_feature_matrix(x: Tensor) -> None:
    """Raise ValueError unless ``x`` has shape ``[N, F]`` with at least one feature.

    A model built from a config takes ``F = x.size(1)`` as its input width. A vector
    of features would fail there with an IndexError, and ``[N, A, B]`` features would
    build a first layer of width ``A``.
    """
    shape = list(x.shape)
    if x.dim() == 1:
        raise ValueError(
            f"data.x must have shape [N, F], got {shape}. For one feature per node, "
            "use data.x = data.x.view(-1, 1)"
        )
    if x.dim() > 2:
        raise ValueError(
            f"data.x must have shape [N, F], got {shape}. Flatten the features of each "
            "node with data.x = data.x.flatten(1)"
        )
    if x.size(1) == 0:
        raise ValueError(
            f"data.x has no features (shape {shape}). Give each node at least one, "
            "for example data.x = torch.ones(data.num_nodes, 1)"
        )


def label_vector(y: Tensor) -> Tensor:
    """Return labels of shape ``[N, 1]`` (one class per node in a column, as OGB stores
    them) as shape ``[N]``, and any other shape unchanged."""
    return y.view(-1) if y.dim() == 2 and y.size(1) == 1 else y


def _float_labels_message(y: Tensor) -> str:
    """Return the error for floating-point labels, with a fix that fits their values."""
    problem = f"data.y must contain integer class ids, got {y.dtype}"
    if y.is_complex():
        return f"{problem}. The trainer classifies nodes, so give one class id per node"
    finite = torch.isfinite(y)
    if not bool(finite.all()):
        node = int((~finite).nonzero()[0, 0])
        return (
            f"{problem} with {int((~finite).sum())} NaN or infinite values (first at "
            f"node {node}). Mark unlabelled nodes with -1 and leave them out of every "
            "mask, for example data.y = torch.nan_to_num(data.y, nan=-1).long()"
        )
    fractional = y != y.round()
    if bool(fractional.any()):
        node = int(fractional.nonzero()[0, 0])
        value = float(y[fractional][0])
        return (
            f"{problem} with fractional values such as {value} (node {node}). The "
            "trainer classifies nodes and does no regression, so give one class id "
            "per node"
        )
    return f"{problem}. Its values are whole numbers, so convert it with data.y = data.y.long()"


# Hints for missing fields: the purpose of each one, and the dataset option that loads
# it from an edge list. _edge_list_option spells that option in the caller's syntax.
_MISSING_HINTS = {
    "x": ("node features, which every model reads", "features"),
    "y": ("node labels, which the loss needs", "labels"),
}
# The fix for a Data built in Python, which no dataset option loads.
_PYTHON_FIXES = {
    "x": (
        "set data.x to an [N, F] float tensor, such as "
        "torch.ones(data.num_nodes, 1) for nodes without features"
    ),
    "y": "set data.y to one class id per node, with -1 for an unlabelled node",
}


def _edge_list_option(key: str) -> str:
    """Return the dataset option that loads ``key`` from a FILE, in the caller's syntax."""
    if from_command_line():
        return f"--dataset-options '{{{key}: FILE}}'"
    return f"TrainConfig(dataset_options={{{key!r}: FILE}})"


def _check_present(data, names: tuple[str, ...]) -> None:
    """Raise ValueError naming the first of ``names`` that ``data`` lacks or sets to None."""
    for name in names:
        if getattr(data, name, None) is not None:
            continue
        if name in _MISSING_HINTS:
            purpose, key = _MISSING_HINTS[name]
            message = (
                f"data.{name} is missing. Training needs {purpose}. For an edge list "
                f"pass {_edge_list_option(key)}, or use a dataset that has them"
            )
            if not from_command_line():
                message += f". For a Data built in Python, {_PYTHON_FIXES[name]}"
            raise ValueError(message)
        # The labels are present, since y is checked first, so the split is missing.
        raise ValueError(
            f"data.{name} is missing. Training needs a bool mask of shape [N] for each "
            "of train_mask, val_mask and test_mask: draw them with "
            "torch_geometric.transforms.RandomNodeSplit(), or set "
            f"data.{name} = torch.zeros(data.num_nodes, dtype=torch.bool) for a split "
            "without nodes"
        )


def _check_tensors(data, names: tuple[str, ...]) -> None:
    """Raise TypeError naming the first of ``names`` whose value is not a tensor.

    A NumPy array, as a Data built from arrays may hold, would otherwise fail later
    with an AttributeError about a missing tensor method.
    """
    for name in names:
        value = getattr(data, name)
        if isinstance(value, Tensor):
            continue
        kind = type(value)
        fix = f"Convert it with data.{name} = torch.as_tensor(data.{name})"
        if kind.__module__ == "numpy" and kind.__name__ == "ndarray":
            fix = f"Convert it with data.{name} = torch.from_numpy(data.{name})"
        raise TypeError(
            f"data.{name} must be a torch.Tensor, got {kind.__module__}.{kind.__name__}. "
            f"{fix}"
        )


def _check_rows(name: str, value: Tensor, num_nodes: int) -> None:
    if value.dim() == 0 or value.size(0) != num_nodes:
        raise ValueError(
            f"{name} must have one row per node: the graph has {num_nodes} nodes but "
            f"{name} has shape {list(value.shape)}"
        )
