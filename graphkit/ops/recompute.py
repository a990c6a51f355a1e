"""Recompute chosen saved tensors in the backward pass instead of keeping them.

Autograd keeps every tensor an operation saves for its backward pass until that pass
runs. Some tensors are cheap to recompute from other saved tensors, such as a layer's
projection ``h = x W^T``, whose input ``x`` the linear layer keeps anyway. For such a
tensor, the :class:`RecomputeSaved` context stores a recipe in its place through
``torch.autograd.graph.saved_tensors_hooks``. Each time the backward pass reads the
tensor, the recipe computes it again without gradient tracking.

The recipe must return bitwise the same values as the forward pass (the same
operation on the same inputs), so gradients equal those of the kept tensor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch
from torch import Tensor

if TYPE_CHECKING:  # typing.Self exists from Python 3.11, and setup.py allows 3.10.
    from typing import Self  # novermin


@dataclass(frozen=True)
class _Recipe:
    compute: Callable[[], Tensor]


class RecomputeSaved(torch.autograd.graph.saved_tensors_hooks):
    """Saved-tensor hooks that replace marked tensors by their recipe.

    Use it as a context manager around the operations that save a tensor, and call
    :meth:`mark` right after that tensor is computed. A saved tensor is replaced only
    when it is the marked tensor itself, or a view with the same storage, offset,
    shape, strides and dtype. Other views and all other tensors are saved as usual.

    Example::

        with RecomputeSaved() as saved:
            h = lin(x)
            saved.mark(h, lambda: lin(x))
            out = attend(h, ...)  # saves h as a recipe, not as a tensor
    """

    def __init__(self) -> None:
        marked: dict[tuple, Callable[[], Tensor]] = {}

        # The hooks are closures over ``marked``, not bound methods. A hook that
        # referenced ``self`` would form a reference cycle, which keeps the recipes
        # (and the tensors they read) alive until the garbage collector runs.
        def pack(tensor: Tensor):
            compute = marked.get(_layout(tensor))
            return tensor if compute is None else _Recipe(compute)

        super().__init__(pack, _unpack)
        self._marked = marked

    def __enter__(self) -> Self:
        super().__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        super().__exit__(*exc_info)
        # The autograd graph keeps the recipes it saved. Drop this context's references.
        self._marked.clear()

    def mark(self, tensor: Tensor, compute: Callable[[], Tensor]) -> None:
        """Save ``tensor`` as the recipe ``compute`` from now on.

        ``compute()`` must return bitwise the same values as ``tensor``.
        """
        self._marked[_layout(tensor)] = compute


def _unpack(packed):
    if isinstance(packed, _Recipe):
        with torch.no_grad():
            return packed.compute()
    return packed


def _layout(tensor: Tensor) -> tuple:
    return (
        tensor.untyped_storage().data_ptr(),
        tensor.storage_offset(),
        tuple(tensor.shape),
        tensor.stride(),
        tensor.dtype,
    )
