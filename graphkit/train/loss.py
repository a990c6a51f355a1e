"""The training loss of a Trainer, and the error raised when it is not finite.

The loss of a split is the sum of per-node losses over its nodes. The Trainer divides
it by the global node count of the split, so summing over ranks gives the mean.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from graphkit.option_names import option
from graphkit.train.multilabel import multi_label_loss_sum


def loss_sum(logits: Tensor, labels: Tensor, mask: Tensor, multi_label: bool) -> Tensor:
    """Return the sum of the per-node losses over the nodes in ``mask``.

    The per-node loss is the cross-entropy, or for multi-label targets the binary
    cross-entropy summed over the node's labelled tasks.
    """
    if mask.is_inference():
        # Autograd saves the mask of logits[mask] for backward, and it cannot save a
        # tensor created under torch.inference_mode(). A copy made here is a normal one.
        mask = mask.clone()
    if multi_label:
        return multi_label_loss_sum(logits, labels, mask)
    return F.cross_entropy(logits[mask], labels[mask], reduction="sum")


def check_logits(
    output, num_nodes: int, num_outputs: int | None = None, multi_label: bool = False
) -> Tensor:
    """Return the model's output after checking that it is one row of logits per node.

    With ``num_outputs``, each row must also contain ``num_outputs`` logits (one per
    task) for ``multi_label`` targets, or at least ``num_outputs`` for class ids, where
    ``num_outputs - 1`` is the largest class id of a split node. Raises TypeError for
    an output that is not a tensor (such as a tuple of logits and embeddings), and
    ValueError for a tensor of another shape.
    """
    if not isinstance(output, Tensor):
        kind = type(output).__name__
        items = f" of {len(output)} items" if isinstance(output, (tuple, list)) else ""
        raise TypeError(
            f"the model returned a {kind}{items}, but the Trainer needs one tensor of "
            f"logits with a row for each of the {num_nodes} nodes. Return the logits "
            "alone, for example from a wrapper module whose forward returns "
            "model(x, graph)[0]"
        )
    if output.dim() == 0 or output.size(0) != num_nodes:
        raise ValueError(
            f"the model returned logits of shape {list(output.shape)}, but the Trainer "
            f"needs a row for each of the {num_nodes} nodes of the graph. Return "
            "node-level logits of shape [nodes, classes]"
        )
    if num_outputs is not None:
        _check_logit_width(output, num_outputs, multi_label)
    return output


def _check_logit_width(output: Tensor, num_outputs: int, multi_label: bool) -> None:
    """Raise ValueError unless ``output`` has the columns that the labels need.

    A model with fewer columns than classes would fail inside cross_entropy with an
    IndexError (or a device-side assertion on CUDA) that names no fix.
    """
    width = output.size(1) if output.dim() == 2 else None
    if multi_label:
        if width == num_outputs:
            return
        need = f"{num_outputs} logits per node"
        labels = f"{num_outputs} tasks (columns)"
    else:
        if width is not None and width >= num_outputs:
            return
        need = f"at least {num_outputs} logits per node"
        labels = f"class ids up to {num_outputs - 1} on split nodes"
    raise ValueError(
        f"the model returned logits of shape {list(output.shape)}, but data.y has "
        f"{labels}, so the Trainer needs {need}. Build the model with "
        f"{num_outputs} outputs (out_channels={num_outputs} for graphkit.nn.GNN)"
    )


def non_finite_loss_error(
    loss: float, epoch: int, x: Tensor, model: nn.Module, lr: float,
    resumed: bool = False, weight_decay: float = 0.0,
) -> FloatingPointError:
    """Build the error for a NaN or infinite training loss, raised on every rank.

    ``lr`` is the ``--lr`` of a new run, or the optimizer's learning rate when
    ``resumed``. A resumed run restores that rate from its checkpoint, so its fix is a
    new run with a lower ``--lr``. The message names ``--weight-decay`` as well when
    ``lr * weight_decay >= 1``, because a decay step of SGD or AdamW then removes or
    flips the sign of the whole weight.
    """
    dtypes = {x.dtype, *(p.dtype for p in model.parameters())}
    half = sorted(str(t).removeprefix("torch.")
                  for t in dtypes & {torch.float16, torch.bfloat16})
    precision = (f"train in float32 rather than {' and '.join(half)} (the dtype of "
                 "the features and the model), " if half else "")
    if resumed:
        lower = (f"start a new run with a lower {option('lr')} (a resumed run keeps "
                 f"the checkpoint's learning rate, now {lr})")
    else:
        lower = f"lower {option('lr')} (now {lr})"
    if lr * weight_decay >= 1:
        lower += f" or {option('weight_decay')} (now {weight_decay})"
    error = FloatingPointError(
        f"the training loss of epoch {epoch} is {loss}, so training stopped "
        f"before updating the weights. To fix it, {precision}{lower}, and check the "
        "node features and the model's "
        "weights (for example those of a resumed checkpoint) for NaN"
    )
    error.every_rank = True  # Every rank raises it, so only rank 0 prints it.
    return error
