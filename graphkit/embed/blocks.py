"""Block operations on implicit matrices: row and column selection, concatenation.

* :class:`RowSelect` - ``M[index, :]``: evaluate ``M @ V`` and keep the selected rows.
  Its transpose is a column selection of ``M^T``.
* :class:`ColumnSelect` - ``M[:, index]``: scatter V into a zero matrix of ``M``'s full
  width (rows of repeated indices add up), then multiply.
* :class:`HStack` / :class:`VStack` - ``[M_1, M_2, ...]`` side by side or on top of each
  other. ``HStack @ V`` splits V into row blocks and sums the partial products;
  ``VStack @ V`` concatenates them. Each is the other's transpose.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from graphkit.embed.implicit import (
    Cache,
    ImplicitMatrix,
    check_same_device,
    check_same_dtype,
)


def _as_index(index: Tensor | Sequence[int], size: int, what: str) -> Tensor:
    """Return ``index`` as int64 ids in ``[0, size)``, reading a boolean mask as in torch.

    A cast of the mask to int64 would read it as the ids 0 and 1, and a cast of float
    ids would truncate them, so neither is cast.
    """
    index = torch.as_tensor(index)
    if index.dtype == torch.bool:
        if index.shape != (size,):
            raise IndexError(
                f"boolean {what} mask must have shape ({size},), one entry per {what}, "
                f"got shape {tuple(index.shape)}"
            )
        return index.nonzero().view(-1)
    # torch.as_tensor([]) is float32, so only a non-empty float index is invalid.
    if index.numel() and (index.is_floating_point() or index.is_complex()):
        raise IndexError(
            f"{what} index must contain integer ids or be a boolean mask, got dtype "
            f"{index.dtype}. Convert whole-number ids with .long()"
        )
    index = index.to(torch.long).reshape(-1)
    if index.numel() and (index.min() < 0 or index.max() >= size):
        raise IndexError(
            f"{what} index out of range: values must lie in [0, {size - 1}], got min "
            f"{int(index.min())} and max {int(index.max())}"
        )
    return index


class RowSelect(ImplicitMatrix):
    """The rows ``index`` of ``matrix`` (repeats allowed).

    Args:
        matrix (ImplicitMatrix): the full matrix, shape ``(rows, columns)``.
        index (Tensor or list[int]): row ids, shape ``(r,)``, or a boolean mask of
            shape ``(rows,)``.
    """

    def __init__(self, matrix: ImplicitMatrix, index: Tensor | Sequence[int]):
        self.index = _as_index(index, matrix.shape[0], "row")
        super().__init__(
            (self.index.numel(), matrix.shape[1]), matrix.dtype, matrix.device
        )
        self.matrix = matrix

    def _matmul(self, v: Tensor, cache: Cache) -> Tensor:
        return self.matrix._cached(v, cache)[self.index.to(v.device)]

    def _build_transpose(self) -> ImplicitMatrix:
        return ColumnSelect(self.matrix.T, self.index)


class ColumnSelect(ImplicitMatrix):
    """The columns ``index`` of ``matrix`` (repeats allowed).

    Args:
        matrix (ImplicitMatrix): the full matrix, shape ``(rows, columns)``.
        index (Tensor or list[int]): column ids, shape ``(c,)``, or a boolean mask of
            shape ``(columns,)``.
    """

    def __init__(self, matrix: ImplicitMatrix, index: Tensor | Sequence[int]):
        self.index = _as_index(index, matrix.shape[1], "column")
        super().__init__(
            (matrix.shape[0], self.index.numel()), matrix.dtype, matrix.device
        )
        self.matrix = matrix

    def _matmul(self, v: Tensor, cache: Cache) -> Tensor:
        # M[:, idx] @ V = M @ S where S[idx[j]] += V[j]; index_add_ sums repeated ids.
        full = torch.zeros(
            self.matrix.shape[1], v.shape[1], dtype=v.dtype, device=v.device
        )
        full.index_add_(0, self.index.to(v.device), v)
        return self.matrix._cached(full, cache)

    def _build_transpose(self) -> ImplicitMatrix:
        return RowSelect(self.matrix.T, self.index)


class HStack(ImplicitMatrix):
    """Blocks side by side: ``[M_1, M_2, ...]`` (all with the same number of rows).

    Args:
        blocks (list[ImplicitMatrix]): the blocks, left to right.
    """

    def __init__(self, blocks: Sequence[ImplicitMatrix]):
        blocks = list(blocks)
        if not blocks:
            raise ValueError("HStack needs at least one block")
        rows = blocks[0].shape[0]
        for position, block in enumerate(blocks):
            if block.shape[0] != rows:
                raise ValueError(
                    f"HStack blocks must have the same number of rows: block 0 has {rows}, "
                    f"block {position} has shape {block.shape}"
                )
        check_same_dtype(blocks, "HStack")
        check_same_device(blocks, "HStack")
        widths = [block.shape[1] for block in blocks]
        super().__init__((rows, sum(widths)), blocks[0].dtype, blocks[0].device)
        self.blocks = blocks
        self.widths = widths

    def _matmul(self, v: Tensor, cache: Cache) -> Tensor:
        out = None
        for block, part in zip(self.blocks, torch.split(v, self.widths, dim=0)):
            product = block._cached(part, cache)
            out = product.clone() if out is None else out.add_(product)
        return out

    def _build_transpose(self) -> ImplicitMatrix:
        return VStack([block.T for block in self.blocks])


class VStack(ImplicitMatrix):
    """Blocks on top of each other (all with the same number of columns).

    Args:
        blocks (list[ImplicitMatrix]): the blocks, top to bottom.
    """

    def __init__(self, blocks: Sequence[ImplicitMatrix]):
        blocks = list(blocks)
        if not blocks:
            raise ValueError("VStack needs at least one block")
        columns = blocks[0].shape[1]
        for position, block in enumerate(blocks):
            if block.shape[1] != columns:
                raise ValueError(
                    f"VStack blocks must have the same number of columns: block 0 has "
                    f"{columns}, block {position} has shape {block.shape}"
                )
        check_same_dtype(blocks, "VStack")
        check_same_device(blocks, "VStack")
        rows = sum(block.shape[0] for block in blocks)
        super().__init__((rows, columns), blocks[0].dtype, blocks[0].device)
        self.blocks = blocks

    def _matmul(self, v: Tensor, cache: Cache) -> Tensor:
        return torch.cat([block._cached(v, cache) for block in self.blocks], dim=0)

    def _build_transpose(self) -> ImplicitMatrix:
        return HStack([block.T for block in self.blocks])


def hstack(*blocks: ImplicitMatrix | Sequence[ImplicitMatrix]) -> HStack:
    """Concatenate implicit matrices along columns: ``hstack(a, b)`` or ``hstack([a, b])``."""
    return HStack(_block_list(blocks, "hstack"))


def vstack(*blocks: ImplicitMatrix | Sequence[ImplicitMatrix]) -> VStack:
    """Concatenate implicit matrices along rows: ``vstack(a, b)`` or ``vstack([a, b])``."""
    return VStack(_block_list(blocks, "vstack"))


def _block_list(blocks: tuple, name: str) -> list[ImplicitMatrix]:
    """Return the blocks, given as separate arguments or as one list or tuple.

    Raises:
        TypeError: a block is not an :class:`ImplicitMatrix`.
    """
    if len(blocks) == 1 and isinstance(blocks[0], (list, tuple)):
        blocks = tuple(blocks[0])
    for position, block in enumerate(blocks):
        if not isinstance(block, ImplicitMatrix):
            raise TypeError(
                f"{name} block {position} is a {type(block).__name__}, not an "
                "ImplicitMatrix. Wrap tensors with graphkit.embed.as_implicit"
            )
    return list(blocks)
