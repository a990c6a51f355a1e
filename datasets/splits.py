"""Train/validation/test masks: pick one of several splits, read split files, draw random ones."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from graphkit.option_names import from_command_line, option

from .errors import InvalidSplitError, ShapeMismatchError
from .npz_arrays import read_npz_arrays

if TYPE_CHECKING:
    from torch_geometric.data import Data

MASK_NAMES = ("train_mask", "val_mask", "test_mask")


def select_split(data: Data, split: int | None, dataset: str) -> Data:
    """Keep the masks of split ``split`` only.

    Masks of shape ``[N, S]`` hold ``S`` splits. ``split=None`` keeps them all, and an
    integer ``k`` in ``[0, S)`` replaces each by its column ``k`` (shape ``[N]``). A
    dataset with one split (1-D masks) accepts ``None`` and ``0``.
    """
    if split is None:
        return data
    # numbers.Integral also admits numpy integers, such as the items of np.arange(10).
    if isinstance(split, bool) or not isinstance(split, numbers.Integral):
        raise InvalidSplitError(
            f"{dataset}: split must be None or an integer split index, got {split!r}"
        )
    split = int(split)
    num_splits = num_mask_splits(data)
    if not 0 <= split < num_splits:
        # A command line cannot pass None, and leaving --split out selects its default.
        if from_command_line():
            default = f"leave {option('split')} out for the default"
        else:
            default = "or None for all of them"
        raise InvalidSplitError(
            f"{dataset}: split {split} does not exist; valid splits are 0..{num_splits - 1} "
            f"({default})"
        )
    if data.train_mask.dim() == 2:
        for key in MASK_NAMES:
            data[key] = data[key][:, split].contiguous()
    return data


def num_mask_splits(data: Data) -> int:
    """Return the number of splits stored in the masks of ``data`` (1 for 1-D masks)."""
    return 1 if data.train_mask.dim() == 1 else int(data.train_mask.size(1))


def read_split_files(paths: Sequence[Path], num_nodes: int) -> dict[str, torch.Tensor]:
    """Read Geom-GCN split files (``.npz`` with the three masks) into ``[N, S]`` masks.

    Args:
        paths (Sequence[Path]): One file per split, in split order.
        num_nodes (int): Number of nodes N that each mask must cover.

    Returns:
        dict[str, Tensor]: ``train_mask``, ``val_mask``, ``test_mask`` of shape
        ``[N, len(paths)]`` and dtype ``bool``.
    """
    columns: dict[str, list[torch.Tensor]] = {key: [] for key in MASK_NAMES}
    for path in paths:
        arrays = _read_split_arrays(path)
        for key in MASK_NAMES:
            mask = np.asarray(arrays[key]).astype(bool)
            if mask.shape != (num_nodes,):
                raise ShapeMismatchError(
                    f"{path}: {key} has shape {mask.shape} but the graph has "
                    f"{num_nodes} nodes (expected shape ({num_nodes},))",
                    (mask.shape, (num_nodes,)),
                )
            columns[key].append(torch.from_numpy(mask))
    return {key: torch.stack(masks, dim=1) for key, masks in columns.items()}


def _read_split_arrays(path: Path) -> dict[str, np.ndarray]:
    """Read the arrays of one split file, which must contain the three masks."""
    return read_npz_arrays(path, MASK_NAMES, "split file")


def random_split_masks(
    num_nodes: int,
    train_fraction: float,
    val_fraction: float,
    generator: torch.Generator,
    candidates: torch.Tensor | None = None,
) -> dict[str, torch.Tensor]:
    """Draw disjoint random train/validation/test masks.

    The M nodes in ``candidates`` (all nodes when None) are shuffled. The first
    ``round(train_fraction * M)`` go to training, the next ``round(val_fraction * M)`` to
    validation and the rest to test.

    Returns:
        dict[str, Tensor]: the three boolean masks of shape ``[num_nodes]``.
    """
    if not (
        0 < train_fraction and 0 <= val_fraction and train_fraction + val_fraction < 1
    ):
        raise ValueError(
            "split fractions must satisfy 0 < train_fraction, 0 <= val_fraction and "
            f"train_fraction + val_fraction < 1; got {train_fraction} and {val_fraction}"
        )
    if candidates is None:
        candidates = torch.arange(num_nodes)
    order = candidates[torch.randperm(candidates.numel(), generator=generator)]
    num_train = round(train_fraction * order.numel())
    num_val = round(val_fraction * order.numel())
    parts = (
        order[:num_train],
        order[num_train : num_train + num_val],
        order[num_train + num_val :],
    )
    masks = {}
    for key, index in zip(MASK_NAMES, parts):
        mask = torch.zeros(num_nodes, dtype=torch.bool)
        mask[index] = True
        masks[key] = mask
    return masks
