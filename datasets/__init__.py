"""Dataset loaders and synthetic generators, all returning PyG ``Data`` objects.

``load_dataset(name, root, split)`` reads a named dataset from a local data root;
``list_datasets()`` lists the names. See :mod:`graphkit.datasets.registry`.

The loaders import ``torch_geometric`` inside their functions, so that importing this
package does not (see :mod:`graphkit.datasets.graph_tensors` for the cost).
"""

from graphkit.datasets.asymproj import load_asymproj

from .edge_list import load_edge_list
from .errors import (
    DatasetError,
    DatasetFormatError,
    DatasetNotFoundError,
    InvalidSplitError,
    MalformedLineError,
    ShapeMismatchError,
    UnknownDatasetError,
    UnknownNodeIdError,
)
from .graph_tensors import GraphTensors
from .registry import list_datasets, load_dataset
from .synthetic import SYNTHETIC_DEFAULTS, CSBMConfig, csbm_from_config, synthetic_csbm

__all__ = [
    "SYNTHETIC_DEFAULTS",
    "CSBMConfig",
    "DatasetError",
    "DatasetFormatError",
    "DatasetNotFoundError",
    "GraphTensors",
    "InvalidSplitError",
    "MalformedLineError",
    "ShapeMismatchError",
    "UnknownDatasetError",
    "UnknownNodeIdError",
    "csbm_from_config",
    "list_datasets",
    "load_asymproj",
    "load_dataset",
    "load_edge_list",
    "synthetic_csbm",
]
