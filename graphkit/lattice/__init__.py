"""Permutohedral-lattice Gaussian filtering and its exact dense reference."""

from graphkit.lattice.dense import (
    DenseBudgetError,
    dense_gaussian_filter,
    dense_memory_bytes,
)
from graphkit.lattice.filter import (
    RELATIVE_ERROR_BOUND,
    LatticeFilterFunction,
    PermutohedralLattice,
    gaussian_filter,
)
from graphkit.lattice.simplex import (
    Simplices,
    elevation_matrix,
    enclosing_simplex,
    simplex_vertices,
)
from graphkit.lattice.table import VertexTable, build_table

__all__ = [
    "RELATIVE_ERROR_BOUND",
    "DenseBudgetError",
    "LatticeFilterFunction",
    "PermutohedralLattice",
    "Simplices",
    "VertexTable",
    "build_table",
    "dense_gaussian_filter",
    "dense_memory_bytes",
    "elevation_matrix",
    "enclosing_simplex",
    "gaussian_filter",
    "simplex_vertices",
]
