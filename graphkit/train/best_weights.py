"""Keeping and loading the weights of the epoch with the best validation score.

The Trainer keeps a CPU copy of the model's weights at each new best epoch. An earlier
run stores them in ``best_model.pt``, and each of its checkpoints stores them next to
the last epoch's weights.
"""

from __future__ import annotations

from pathlib import Path

from torch import nn

from graphkit.train.checkpoint import load_checkpoint
from graphkit.train.config import TrainConfig
from graphkit.train.resume import describe_model_mismatch


def cpu_copy(model: nn.Module) -> dict:
    """Return a copy of ``model``'s state dict on the CPU, which training leaves as is."""
    return {
        name: value.detach().to("cpu", copy=True)
        for name, value in model.state_dict().items()
    }


def load_best_file(model: nn.Module, path: Path, fingerprint: dict,
                   config: TrainConfig) -> None:
    """Load the best weights of ``path`` (a file or an ``out`` folder) into ``model``.

    ``fingerprint`` is this run's graph record, and ``config`` gives this run's model
    options for the error message when the weights do not fit.
    """
    if path.is_dir():
        path = path / "best_model.pt"
    state = load_checkpoint(path)

    # Every rank keeps the same weights, so those of a run with another number of
    # partitions fit. Only the graph itself must match.
    saved_graph = dict(state.get("graph") or {})
    this_graph = dict(fingerprint)
    for graph in (saved_graph, this_graph):
        graph.pop("num_parts", None)
    if saved_graph != this_graph:
        raise ValueError(
            f"{path} was written for graph {saved_graph or 'unknown'}, but this "
            f"trainer has {this_graph}. Load weights trained on the same dataset"
        )

    # A training checkpoint has an optimizer state, and its "model" entry contains
    # the last epoch's weights rather than the best ones.
    weights = state.get("best_model") if "optimizer" in state else state.get("model")
    if weights is None:
        raise ValueError(
            f"{path} contains no best weights: it was written before any epoch "
            "finished, or by a graphkit version that did not keep them"
        )
    try:
        model.load_state_dict(weights)
    except RuntimeError as error:
        mismatch = describe_model_mismatch(state, config)
        raise ValueError(
            f"{path} contains {mismatch}. Build the trainer "
            "with the same model options"
        ) from error
