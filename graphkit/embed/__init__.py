"""Implicit SVD: closed-form graph models from truncated SVDs of never-formed matrices.

Method: Abu-El-Haija, Mostafa, Nassar, Crespi, Ver Steeg and Galstyan, "Implicit SVD
for Graph Representation Learning", NeurIPS 2021 (https://arxiv.org/abs/2111.06312).

* :mod:`~graphkit.embed.implicit`, :mod:`~graphkit.embed.leaves`,
  :mod:`~graphkit.embed.blocks` - the implicit-matrix algebra;
* :mod:`~graphkit.embed.rsvd` - randomized truncated SVD through products only;
* :mod:`~graphkit.embed.wys` - the random-walk (Watch Your Step) design matrix;
* :mod:`~graphkit.embed.linkpred` - link prediction from its SVD;
* :mod:`~graphkit.embed.nodeclass` - linearised GCN node classification in closed form;
* :mod:`~graphkit.embed.deep` - a deeper network initialised from that solution.
"""

from graphkit.embed.blocks import (
    ColumnSelect,
    HStack,
    RowSelect,
    VStack,
    hstack,
    vstack,
)
from graphkit.embed.implicit import Identity, ImplicitMatrix, Product, Sum
from graphkit.embed.leaves import (
    DenseMatrix,
    Diagonal,
    LowRank,
    SparseMatrix,
    as_implicit,
    ones,
)
from graphkit.embed.rsvd import randomized_svd

__all__ = [
    "ColumnSelect",
    "DenseMatrix",
    "Diagonal",
    "HStack",
    "Identity",
    "ImplicitMatrix",
    "LowRank",
    "Product",
    "RowSelect",
    "SparseMatrix",
    "Sum",
    "VStack",
    "as_implicit",
    "hstack",
    "ones",
    "randomized_svd",
    "vstack",
]
