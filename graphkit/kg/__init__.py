"""ULTRA, a foundation model for link prediction on any knowledge graph.

Galkin et al., "Towards Foundation Models for Knowledge Graph Reasoning", ICLR 2024.
The package holds the knowledge-graph container and loaders, the relation graph, the
model (compatible with the released checkpoints), evaluation and training.

The names below are imported from their submodules on first access (PEP 562), so
``import graphkit.kg`` and ``graphkit kg list`` do not import torch.
``from graphkit.kg import Ultra`` works as it would with imports at the top.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
import types
from typing import TYPE_CHECKING

# The submodule that defines each exported name.
EXPORTS = {
    "InductiveSplit": "io",
    "KGFormatError": "errors",
    "KnowledgeGraph": "graph",
    "LinkPredictionSet": "io",
    "RelationGraph": "relation_graph",
    "TrainConfig": "train",
    "Ultra": "ultra",
    "build_relation_graph": "relation_graph",
    "encode_file": "io",
    "evaluate": "evaluate",
    "evaluate_ranks": "evaluate",
    "filtered_ranks": "evaluate",
    "finetune": "train",
    "list_datasets": "catalog",
    "load_dataset": "io",
    "load_grail": "io",
    "load_graph": "io",
    "load_transductive": "io",
    "pretrain": "train",
    "queries_without_facts": "query_names",
    "read_triples": "io",
    "released_checkpoints": "catalog",
    "summarize_informed_ranks": "evaluate",
    "summarize_ranks": "evaluate",
}

# A list literal, because static tools (mypy, pyright, ruff) read no computed
# __all__, and then count the TYPE_CHECKING imports below as unused or private.
__all__ = [
    "InductiveSplit",
    "KGFormatError",
    "KnowledgeGraph",
    "LinkPredictionSet",
    "RelationGraph",
    "TrainConfig",
    "Ultra",
    "build_relation_graph",
    "encode_file",
    "evaluate",
    "evaluate_ranks",
    "filtered_ranks",
    "finetune",
    "list_datasets",
    "load_dataset",
    "load_grail",
    "load_graph",
    "load_transductive",
    "pretrain",
    "queries_without_facts",
    "read_triples",
    "released_checkpoints",
    "summarize_informed_ranks",
    "summarize_ranks",
]

if TYPE_CHECKING:
    from graphkit.kg.catalog import list_datasets, released_checkpoints
    from graphkit.kg.errors import KGFormatError
    from graphkit.kg.evaluate import (
        evaluate,
        evaluate_ranks,
        filtered_ranks,
        summarize_informed_ranks,
        summarize_ranks,
    )
    from graphkit.kg.graph import KnowledgeGraph
    from graphkit.kg.io import (
        InductiveSplit,
        LinkPredictionSet,
        encode_file,
        load_dataset,
        load_grail,
        load_graph,
        load_transductive,
        read_triples,
    )
    from graphkit.kg.query_names import queries_without_facts
    from graphkit.kg.relation_graph import RelationGraph, build_relation_graph
    from graphkit.kg.train import TrainConfig, finetune, pretrain
    from graphkit.kg.ultra import Ultra


def __getattr__(name: str):
    """Import an exported name, or a submodule, on its first access."""
    module_name = EXPORTS.get(name)
    if module_name is not None:
        value = getattr(importlib.import_module(f"{__name__}.{module_name}"), name)
        globals()[name] = value
        return value
    # A submodule is an attribute too, so graphkit.kg.ultra works after a plain
    # import graphkit.kg, as it did when the package imported every submodule.
    # Names that are not identifiers are skipped because find_spec reads a dotted name
    # as a nested module and raises ModuleNotFoundError, which would break
    # getattr(package, name, default).
    is_submodule_name = not name.startswith("_") and name.isidentifier()
    if is_submodule_name and importlib.util.find_spec(f"{__name__}.{name}"):
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    # List the submodules too, for tab completion.
    submodules = {module.name for module in pkgutil.iter_modules(__path__)}
    return sorted(set(globals()) | set(__all__) | submodules)


class _Package(types.ModuleType):
    """The package module, which keeps an exported name bound to the exported object.

    Importing a submodule sets it as an attribute of the package. For the function
    ``evaluate`` of the submodule ``evaluate`` that attribute would hide the function,
    so ``from graphkit.kg import evaluate`` would return the module once any code had
    imported ``graphkit.kg.evaluate``. This class binds the name to the function
    again whenever the submodule is set.
    """

    def __setattr__(self, name: str, value) -> None:
        if (
            EXPORTS.get(name) == name
            and isinstance(value, types.ModuleType)
            and value.__name__ == f"{self.__name__}.{name}"
        ):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
