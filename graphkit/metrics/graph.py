"""The labelled graph every measure reads, built once under explicit conventions.

Published homophily tables differ mostly in conventions, not in formulas. This module
fixes them in one place:

* ``directed=False`` (default): every edge counts in both directions, so an
  undirected edge ``{u, v}`` is stored as ``u -> v`` and ``v -> u``.
  ``directed=True`` keeps ``edge_index`` as given (PyG's ``source -> target``), and
  the neighbours of a node are its in-neighbours (the sources of edges into it),
  as in PyG's message passing and ``torch_geometric.utils.homophily``.
* ``self_loops=False`` (default): edges ``v -> v`` are removed.
* Duplicate edges are always merged, so a multigraph counts like its simple graph.
* Counted nodes: nodes with a label ``y >= 0`` and, when ``node_mask`` is given, a
  ``True`` mask entry. Measures use the subgraph induced by the counted nodes: an edge
  counts only if both ends are counted.
"""

from __future__ import annotations

import logging
import operator
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import torch
from torch import Tensor

from graphkit.metrics.sorting import sorted_unique
from graphkit.whole_numbers import WrongTypeError

logger = logging.getLogger(__name__)

# Node ids are packed two per int64 key, so they must fit in 31 bits.
_MAX_NODES = 1 << 31
_LOW_32_BITS = (1 << 32) - 1

# LabelledGraph keeps an [N, C] neighbour class table when it has at most this many
# entries, or at most as many as there are stored edges.
DENSE_COUNTS_MIN_ENTRIES = 1 << 22

# Largest [C, C] class-pair table (int64 entries, 512 MiB) built when some of the C
# classes have no node, as when y contains raw ids such as 0 and 100000.
SPARSE_CLASSES_MAX_ENTRIES = 1 << 26


@dataclass(frozen=True)
class MeasureOptions:
    """Conventions that change the values of every measure.

    Attributes:
        directed: keep edge directions (neighbours are in-neighbours) instead of
            symmetrising.
        self_loops: keep edges ``v -> v``.
        isolated: how node-averaged measures treat counted nodes without counted
            neighbours: ``"exclude"`` leaves them out of the average (Pei et al. 2020),
            ``"zero"`` counts them as 0 (``torch_geometric.utils.homophily``).
    """

    directed: bool = False
    self_loops: bool = False
    isolated: str = "exclude"

    def __post_init__(self) -> None:
        for name in ("directed", "self_loops"):
            value = getattr(self, name)
            if isinstance(value, np.bool_):
                object.__setattr__(self, name, bool(value))
            elif not isinstance(value, bool):
                # A string such as "false" is truthy and would select the other convention.
                raise TypeError(
                    f"{name} must be True or False, got {value!r} ({type(value).__name__})"
                )
        if self.isolated not in ("exclude", "zero"):
            raise ValueError(
                f"isolated must be 'exclude' or 'zero', got {self.isolated!r}"
            )

    def describe(self) -> str:
        """Return the conventions as one line, for printing next to results."""
        edges = "directed (in-neighbours)" if self.directed else "undirected"
        loops = "self-loops kept" if self.self_loops else "self-loops removed"
        if self.isolated == "exclude":
            isolated_nodes = "isolated nodes excluded from node averages"
        else:
            # Only node homophily has a value for a node without neighbours.
            isolated_nodes = "isolated nodes as 0 in h_node and excluded from LI_node"
        return f"{edges}, {loops}, duplicate edges merged, {isolated_nodes}"


@dataclass(frozen=True)
class LabelledGraph:
    """Edges and labels of the counted nodes, after the conventions are applied.

    Attributes:
        src: sources of the kept edges, shape ``[E]`` (the neighbour side).
        dst: targets of the kept edges, shape ``[E]`` (the node whose neighbourhood
            is described). Undirected graphs hold both directions of each edge.
        y: labels of all nodes, shape ``[N]``; only entries of counted nodes are read.
        mask: counted nodes, bool, shape ``[N]``.
        num_classes: ``C``; labels lie in ``[0, C)``.
        options: the conventions used to build this graph.
    """

    src: Tensor
    dst: Tensor
    y: Tensor
    mask: Tensor
    num_classes: int
    options: MeasureOptions

    # Statistics that several measures share are computed on first use and cached,
    # because on large graphs each pass over the edges costs about as much as a whole
    # measure.

    @property
    def num_nodes(self) -> int:
        return self.y.numel()

    @cached_property
    def uses_dense_counts(self) -> bool:
        """Whether shared statistics come from :attr:`neighbour_class_counts`.

        That ``[N, C]`` table takes one pass over the edges and serves every measure.
        It is used when it has no more entries than the edge list (or is small), so
        memory stays linear in the number of edges. Otherwise each statistic takes its
        own pass over the edges.
        """
        table = self.num_nodes * self.num_classes
        return table <= max(self.src.numel(), DENSE_COUNTS_MIN_ENTRIES)

    @cached_property
    def neighbour_class_counts(self) -> Tensor:
        """Class counts of in-neighbours, int64 ``[N, C]``: ``[v, k]`` is the number of
        kept edges ``u -> v`` with ``y_u = k`` (self-loops included when kept)."""
        c = self.num_classes
        key = self.y[self.src]
        key.add_(self.dst, alpha=c)  # key = dst * C + y[src] with one temporary
        return torch.bincount(key, minlength=self.num_nodes * c).view(-1, c)

    @cached_property
    def in_degree(self) -> Tensor:
        """Number of kept edges into each node, int64 ``[N]``."""
        if self.uses_dense_counts:
            return self.neighbour_class_counts.sum(dim=1)
        return torch.bincount(self.dst, minlength=self.num_nodes)

    @cached_property
    def same_class_in_degree(self) -> Tensor:
        """Number of kept edges into each node from a node of its class, int64 ``[N]``."""
        if self.uses_dense_counts:
            own_class = self.y.clamp(min=0).unsqueeze(1)
            return self.neighbour_class_counts.gather(1, own_class).squeeze(1)
        same = self.y[self.src] == self.y[self.dst]
        return torch.bincount(self.dst[same], minlength=self.num_nodes)

    @cached_property
    def class_pair_counts(self) -> Tensor:
        """Edge counts by class, int64 ``[C, C]``: ``[k, l]`` counts edges ``u -> v``
        with ``y_v = k`` and ``y_u = l``."""
        c = self.num_classes
        if self.uses_dense_counts:
            counts = torch.zeros(c, c, dtype=torch.int64)
            rows = self.neighbour_class_counts[self.mask]
            return counts.index_add_(0, self.y[self.mask], rows)
        pair = self.y[self.dst] * c + self.y[self.src]
        return torch.bincount(pair, minlength=c * c).view(c, c)

    def class_pair_weights(self, node_weight: Tensor) -> Tensor:
        """Sum ``node_weight[v]`` over the edges ``u -> v``, grouped like
        :attr:`class_pair_counts`.

        Args:
            node_weight (Tensor): float64 ``[N]``, read at the edge targets.

        Returns:
            float64 ``[C, C]``.
        """
        c = self.num_classes
        if self.uses_dense_counts:
            weights = torch.zeros(c, c, dtype=torch.float64)
            rows = self.neighbour_class_counts[self.mask].double()
            rows *= node_weight[self.mask].unsqueeze(1)
            return weights.index_add_(0, self.y[self.mask], rows)
        pair = self.y[self.dst] * c + self.y[self.src]
        edge_weight = node_weight[self.dst]
        return torch.bincount(pair, weights=edge_weight, minlength=c * c).view(c, c)

    def class_counts(self) -> Tensor:
        """Return the number of counted nodes per class, shape ``[C]``, int64."""
        return torch.bincount(self.y[self.mask], minlength=self.num_classes)


def build_labelled_graph(
    edge_index: Tensor,
    y: Tensor,
    *,
    num_nodes: int | None = None,
    node_mask: Tensor | None = None,
    num_classes: int | None = None,
    options: MeasureOptions | None = None,
) -> LabelledGraph:
    """Apply the conventions of ``options`` to ``edge_index`` and ``y``.

    Args:
        edge_index (Tensor): edges ``[2, E]`` as ``(source, target)``.
        y (Tensor): integer labels ``[N]`` (or ``[N, 1]``, as OGB stores them). A
            negative label marks an unlabelled node, which is not counted.
        num_nodes (int, optional): ``N``; defaults to ``y.numel()``.
        node_mask (Tensor, optional): bool ``[N]``; only ``True`` nodes are counted.
        num_classes (int, optional): ``C``; defaults to the largest label plus one.
        options (MeasureOptions, optional): conventions; defaults to
            ``MeasureOptions()`` (undirected, self-loops removed).

    NumPy arrays of numbers are accepted in place of ``edge_index``, ``y`` and
    ``node_mask`` and converted to tensors. An array of strings or objects raises
    TypeError.
    """
    options = MeasureOptions() if options is None else options
    edge_index = _from_numpy(edge_index, "edge_index")
    node_mask = _from_numpy(node_mask, "node_mask")
    y = _check_labels(_from_numpy(y, "y"), num_nodes)
    n = y.numel()
    if n > _MAX_NODES:
        raise ValueError(
            f"graphs of more than {_MAX_NODES} nodes are not supported, got {n}"
        )
    mask = _counted_nodes(y, node_mask)
    num_classes = _check_num_classes(y, num_classes)
    src, dst = _check_edge_index(edge_index, n)

    keep = None if bool(mask.all()) else mask[src] & mask[dst]
    if not options.self_loops:
        keep = src != dst if keep is None else keep & (src != dst)
    if not options.directed:
        # Merge {u, v} and {v, u} before symmetrising: one sort of E keys, not 2E.
        src, dst = torch.minimum(src, dst), torch.maximum(src, dst)
    # Pack (src, dst) into one int64 key, sort it and drop repeats.
    key = sorted_unique((src << 32) | dst, keep)
    src, dst = key >> 32, key & _LOW_32_BITS
    if not options.directed:
        loops = src == dst
        if options.self_loops and bool(loops.any()):
            src, dst = torch.cat([src, dst[~loops]]), torch.cat([dst, src[~loops]])
        else:
            src, dst = torch.cat([src, dst]), torch.cat([dst, src])
    return LabelledGraph(src, dst, y, mask, num_classes, options)


def _from_numpy(value, name: str):
    """Return a NumPy array ``value`` as a tensor, and any other value unchanged."""
    if not isinstance(value, np.ndarray):
        return value
    if value.dtype.kind not in "biuf":
        fix = ""
        if name == "y":
            fix = (
                ". Number string labels as classes 0..C-1 with "
                "np.unique(y, return_inverse=True)[1]"
            )
        raise TypeError(
            f"{name} must contain numbers, got a NumPy array of dtype {value.dtype}{fix}"
        )
    return torch.as_tensor(value)


def _check_labels(y: Tensor, num_nodes: int | None) -> Tensor:
    if not isinstance(y, Tensor):
        raise TypeError(f"y must be a torch.Tensor of labels, got {type(y).__name__}")
    if y.layout != torch.strided:
        # A sparse tensor's missing entries read as 0, a class, not as unlabelled (-1).
        raise TypeError(
            f"y must be a dense tensor, got layout {y.layout}. Pass y.to_dense() if "
            "a missing entry means class 0, or else a dense y with -1 for each "
            "unlabelled node"
        )
    _check_has_values(y, "y")
    if y.dim() == 2 and y.size(1) == 1:
        # OGB stores one label per node as a column, shape [N, 1].
        y = y.view(-1)
    if y.dim() != 1:
        raise ValueError(
            f"y must contain one integer label per node (shape [N]), got shape "
            f"{tuple(y.shape)}; multi-label targets are not supported. To measure task "
            "t of [N, T] binary tasks, pass its column y[:, t] (-1 marks unlabelled nodes)"
        )
    if y.is_floating_point() or y.is_complex() or y.dtype == torch.bool:
        fix = "Convert class ids with y.long()"
        if y.is_floating_point() and not bool(torch.isfinite(y).all()):
            fix = "Mark unlabelled nodes with -1: torch.nan_to_num(y, nan=-1).long()"
        raise ValueError(f"y must have an integer dtype, got {y.dtype}. {fix}")
    if num_nodes is not None and num_nodes != y.numel():
        raise ValueError(
            f"num_nodes={num_nodes} but y has {y.numel()} entries; give one label "
            "per node (-1 for unlabelled nodes)"
        )
    # A copy, so that editing the caller's y in place cannot change a built graph
    # whose statistics are computed on first use.
    return y.to(device="cpu", dtype=torch.long, copy=True)


def _check_has_values(tensor: Tensor, name: str) -> None:
    """Raise unless ``tensor`` stores values that can be copied to the CPU."""
    if tensor.is_meta:
        raise ValueError(
            f"{name} is on the meta device, so it has a shape but no values. Pass "
            f"{name} on the CPU or a GPU, for example after loading the dataset"
        )


def _counted_nodes(y: Tensor, node_mask: Tensor | None) -> Tensor:
    mask = y >= 0
    if node_mask is not None:
        if node_mask.dtype != torch.bool or node_mask.shape != y.shape:
            raise ValueError(
                f"node_mask must be a bool tensor of shape {tuple(y.shape)}, got "
                f"{node_mask.dtype} of shape {tuple(node_mask.shape)}"
            )
        # y is on the CPU (see _check_labels), and node_mask may be on a GPU.
        mask = mask & node_mask.cpu()
    if not bool(mask.any()):
        raise ValueError(
            "no node is counted: every node is unlabelled (y < 0) or outside node_mask"
        )
    return mask


def _check_num_classes(y: Tensor, num_classes: int | None) -> int:
    if num_classes is not None:
        num_classes = _integer_num_classes(num_classes)
    labels = y[y >= 0]
    largest = int(labels.max())
    if num_classes is not None and num_classes <= largest:
        raise ValueError(
            f"num_classes={num_classes} but the largest label is {largest}; "
            f"pass num_classes >= {largest + 1} or leave it unset"
        )
    c = largest + 1 if num_classes is None else num_classes
    if c * c > SPARSE_CLASSES_MAX_ENTRIES:
        present = int(torch.unique(labels).numel())
        if present < c:
            # Every measure counts edges in a [C, C] table of class pairs, so raw label
            # ids would allocate C^2 entries for a few classes and fail without a hint.
            given = "the labels give"
            if num_classes is not None:
                given = f"num_classes={c} gives"
            raise ValueError(
                f"{given} C = {c} classes (largest label {largest}), but only "
                f"{present} distinct labels occur. The measures count edges in a C x C "
                f"table of class pairs, {c * c * 8 / 2**30:.1f} GiB here. Number the "
                "classes 0..K-1 first, for example with y = torch.where(y >= 0, "
                "torch.searchsorted(y[y >= 0].unique(), y), -1), and leave "
                "num_classes unset"
            )
    return c


def _integer_num_classes(value) -> int:
    """Return ``num_classes`` as an int: a Python, NumPy or 0-dim tensor integer."""
    index = None
    if not isinstance(value, (bool, np.bool_)):  # True would silently mean 1 class
        try:
            index = operator.index(value)
        except TypeError:
            pass
    if index is None:
        raise WrongTypeError(
            f"num_classes must be an integer, got {value!r} ({type(value).__name__}). "
            "Pass the number of classes C as an int, or leave it unset"
        )
    return index


def _check_edge_index(edge_index: Tensor, n: int) -> tuple[Tensor, Tensor]:
    sparse = isinstance(edge_index, Tensor) and edge_index.layout != torch.strided
    if sparse or hasattr(edge_index, "coo"):  # hasattr: torch_sparse.SparseTensor
        # Rows are sources in an adjacency matrix but targets in PyG's adj_t, so the
        # direction of a bare matrix is ambiguous.
        raise TypeError(
            "edge_index is a sparse adjacency matrix, but the measures take a [2, E] "
            "tensor of (source, target) ids. Pass the Data object that stores it as "
            "adj_t, or the [2, E] indices of a matrix whose rows are the sources "
            "(adj.to_sparse_coo().indices() for a torch sparse tensor)"
        )
    if not isinstance(edge_index, Tensor) or edge_index.dim() != 2:
        raise ValueError("edge_index must be a tensor of shape [2, E]")
    _check_has_values(edge_index, "edge_index")
    if edge_index.size(0) != 2:
        # An [E, 2] edge list (one edge per row, as in CSV files) is the common mix-up.
        hint = ". Transpose it with edge_index.t()" if edge_index.size(1) == 2 else ""
        raise ValueError(
            f"edge_index must have shape [2, E], got {tuple(edge_index.shape)}{hint}"
        )
    if (
        edge_index.dtype == torch.bool
        or edge_index.is_floating_point()
        or edge_index.is_complex()
    ):
        # .long() would truncate fractional ids, drop imaginary parts and map bool
        # entries to nodes 0 and 1.
        raise TypeError(
            f"edge_index must have an integer dtype, got {edge_index.dtype}. Convert "
            "whole-number ids with edge_index.long()"
        )
    # The measures run on CPU, since the sorting goes through numpy.
    edge_index = edge_index.long().cpu()
    if edge_index.numel() > 0:
        low, high = int(edge_index.min()), int(edge_index.max())
        if low < 0 or high >= n:
            raise ValueError(
                f"edge_index contains node ids in [{low}, {high}] but there are {n} "
                f"labels (valid ids 0..{n - 1}); give one label per node"
            )
    return edge_index[0], edge_index[1]


def _edges_of_data(data) -> Tensor | None:
    """Return the ``[2, E]`` edges of a PyG ``Data``, from ``edge_index`` or ``adj_t``.

    Edge weights are not read, so a weighted graph gets a warning, as in
    ``LocalGraph.from_data``.
    """
    # Imported here, so that the measures do not import the layers' graph module.
    from graphkit.graph import edges_of_data

    edge_index, weights = edges_of_data(data)
    if weights is not None:
        logger.warning(
            "the edge weights in %s are ignored. The graph measures count every edge "
            "once, whatever its weight. Keep in edge_index only the edges to measure, "
            "and drop the weights to silence this warning",
            weights,
        )
    return edge_index


def require_labelled_graph(graph, function: str) -> LabelledGraph:
    """Return ``graph`` if it is a LabelledGraph, else raise a TypeError naming ``function``.

    The functions that take only a :class:`LabelledGraph` would otherwise fail with
    an AttributeError on the first statistic they read from an edge_index tensor.
    """
    if not isinstance(graph, LabelledGraph):
        raise TypeError(
            f"{function} takes a LabelledGraph, got {type(graph).__name__}. Build "
            "one with graphkit.metrics.build_labelled_graph(edge_index, y)"
        )
    return graph


def as_labelled_graph(
    edge_index: Tensor | LabelledGraph,
    y: Tensor | None,
    *,
    node_mask: Tensor | None = None,
    num_classes: int | None = None,
    **option_values,
) -> LabelledGraph:
    """Return ``edge_index`` if it is already a :class:`LabelledGraph`, else build one.

    Every public measure calls this, so a caller computing several measures can build
    the graph once with :func:`build_labelled_graph` and pass it in place of
    ``edge_index``. Options must then be left unset, since the graph already fixes them.
    """
    if isinstance(edge_index, LabelledGraph):
        given = {k: v for k, v in option_values.items() if v is not None}
        if y is not None or node_mask is not None or num_classes is not None or given:
            raise ValueError(
                "a LabelledGraph already fixes labels, mask and conventions; pass it "
                "alone, or pass edge_index and y with the options instead"
            )
        return edge_index
    if not isinstance(edge_index, Tensor):
        # Imported here, so that the measures do not import the layers' graph module.
        from graphkit.graph import reject_hetero_data

        reject_hetero_data(edge_index)
    if not isinstance(edge_index, Tensor) and hasattr(edge_index, "edge_index"):
        # A PyG Data object, read as its edge_index (or adj_t) and y.
        data = edge_index
        if y is not None:
            raise ValueError(
                "pass a Data object alone (its y is used), or edge_index and y"
            )
        edge_index, y = _edges_of_data(data), getattr(data, "y", None)
        if edge_index is None:
            raise ValueError(
                "data.edge_index is missing. The measures need the edges as edge_index "
                "or as PyG's transposed sparse adjacency adj_t"
            )
        if y is None:
            raise ValueError("data.y is missing. The measures need one label per node")
    if y is None:
        raise ValueError("y (one label per node) is required with an edge_index")
    options = MeasureOptions(
        **{k: v for k, v in option_values.items() if v is not None}
    )
    return build_labelled_graph(
        edge_index, y, node_mask=node_mask, num_classes=num_classes, options=options
    )
