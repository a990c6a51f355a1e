"""``GraphTensors``: the named tensors of one graph, readable like a PyG ``Data``.

Importing ``torch_geometric`` (even only ``torch_geometric.data``, whose package runs
PyG's whole ``__init__``) costs about 1.8 CPU s with torch 2.13 and PyG 2.8.1, measured
on a 2-core VM. ``load_dataset(..., pyg_data=False)`` returns this container where the
loader needs nothing from PyG, so that ``graphkit train`` and ``graphkit partition``
start without that import (timings in the section "Command start-up" of
``docs/benchmarks.md``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch


class GraphTensors:
    """Fields of one graph (``x``, ``edge_index``, ``y``, masks, ``num_classes``).

    The subset of PyG ``Data`` that graphkit's trainer and partitioner read: fields as
    attributes and items, ``get``, ``in``, ``keys()``, ``num_nodes`` and ``to(device)``.
    As in ``Data``, a field set to None is removed, and reading a missing standard field
    (``x``, ``edge_index``, ``y`` and the others of ``OPTIONAL_FIELDS``) returns None.
    ``num_nodes`` is the stored value, else the number of rows of ``x``, else None.
    :meth:`to_pyg` builds the equivalent ``Data``.
    """

    # The fields that PyG 2.8's Data reads as None when they are missing.
    OPTIONAL_FIELDS = frozenset(
        ("x", "edge_index", "edge_weight", "edge_attr", "y", "pos", "batch", "time", "face")
    )

    def __init__(self, **fields: Any) -> None:
        object.__setattr__(self, "_fields", {})
        for key, value in fields.items():
            setattr(self, key, value)

    def __getattr__(self, key: str) -> Any:
        fields = object.__getattribute__(self, "_fields")
        if key in fields:
            return fields[key]
        if key in GraphTensors.OPTIONAL_FIELDS:
            return None
        raise AttributeError(f"'GraphTensors' object has no attribute {key!r}")

    def __setattr__(self, key: str, value: Any) -> None:
        if key == "num_nodes":
            object.__setattr__(self, "_num_nodes", None if value is None else int(value))
        elif value is None:
            self._fields.pop(key, None)
        else:
            self._fields[key] = value

    def __delattr__(self, key: str) -> None:
        setattr(self, key, None)

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        setattr(self, key, value)

    def __contains__(self, key: str) -> bool:
        return key in self._fields

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter(self._fields.items())

    def keys(self) -> list[str]:
        return list(self._fields)

    def get(self, key: str, default: Any = None) -> Any:
        return self._fields.get(key, default)

    @property
    def num_nodes(self) -> int | None:
        stored = self.__dict__.get("_num_nodes")
        if stored is not None:
            return stored
        x = self._fields.get("x")
        return int(x.size(0)) if isinstance(x, torch.Tensor) else None

    @property
    def num_edges(self) -> int:
        edge_index = self._fields.get("edge_index")
        return 0 if edge_index is None else int(edge_index.size(1))

    @property
    def num_features(self) -> int:
        x = self._fields.get("x")
        if not isinstance(x, torch.Tensor):
            return 0
        return 1 if x.dim() == 1 else int(x.size(-1))

    def __copy__(self) -> GraphTensors:
        """Return a new container of the same tensors, as ``copy.copy`` of a ``Data`` does.

        The default copy would share the field dict, so setting a field of the copy
        would change this container too.
        """
        copied = GraphTensors(**self._fields)
        object.__setattr__(copied, "_num_nodes", self.__dict__.get("_num_nodes"))
        return copied

    def to(self, device: torch.device | str, non_blocking: bool = False) -> GraphTensors:
        """Move every tensor field to ``device`` in place and return ``self``, as ``Data.to``."""
        for key, value in self._fields.items():
            if isinstance(value, torch.Tensor):
                self._fields[key] = value.to(device, non_blocking=non_blocking)
        return self

    def to_pyg(self):
        """Build the PyG ``Data`` with the same fields (and ``num_nodes`` only if stored)."""
        from torch_geometric.data import Data

        data = Data(**self._fields)
        stored = self.__dict__.get("_num_nodes")
        if stored is not None:
            data.num_nodes = stored
        return data

    def __repr__(self) -> str:
        shapes = ", ".join(
            f"{key}={list(value.shape) if isinstance(value, torch.Tensor) else value!r}"
            for key, value in self._fields.items()
        )
        return f"GraphTensors({shapes})"
