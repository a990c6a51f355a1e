"""ULTRA, a foundation model for link prediction on any knowledge graph.

Galkin et al., "Towards Foundation Models for Knowledge Graph Reasoning", ICLR 2024.
The package holds the knowledge-graph container and loaders, the relation graph, the
model (compatible with the released checkpoints), evaluation and training.
"""

from graphkit.kg.catalog import list_datasets, released_checkpoints
from graphkit.kg.errors import KGFormatError
from graphkit.kg.evaluate import (
    evaluate,
    evaluate_ranks,
    filtered_ranks,
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
from graphkit.kg.relation_graph import RelationGraph, build_relation_graph
from graphkit.kg.train import TrainConfig, finetune, pretrain
from graphkit.kg.ultra import Ultra

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
    "read_triples",
    "released_checkpoints",
    "summarize_ranks",
]
