"""An estimate of the activation memory of one full-batch training step of a GNN.

Each layer ``w_in -> w_out`` of a model keeps node tensors for the backward pass
(the linear maps' outputs, the aggregation, ReLU and dropout outputs and masks) and
needs their gradients while the backward pass runs. The estimate is

.. math::
    \\mathrm{values} = \\sum_{\\text{layers}} \\big( a \\, N (w_{in} + w_{out})
    + b \\, E (w_{in} + w_{out}) \\big) + c \\, N \\, w_{in,1} + \\mathrm{chunks}

with ``a`` and ``b`` per model kind (:data:`NODE_FACTORS`, :data:`EDGE_FACTORS`),
``c`` for the input dropout, and a constant for the row chunks that max aggregation
and attention gather per edge (:mod:`graphkit.ops.chunks`). Only ``edgeconv``
computes one message per edge for the whole graph, so only it has a ``b``. pgcn
layers add terms per global head, and normalisation and residual sums add terms per
hidden output (see the constants below).

The factors were fitted to measured peaks with ``benchmarks/training_memory.py``
(CPU, torch 2.13, one thread). Each run took 3 steps of Adam with an evaluation
pass each, and the fit used the peak resident memory less the parameters, gradients
and Adam states. Every model ran on 4,000 nodes with 40,000 stored edges, with
hidden widths 256 and 1024 and 2 or 3 layers. gcn, sage, gat, mlp, pgcn and
edgeconv also ran on 20,000 nodes with 200,000 stored edges, with hidden width 4096
(1024 for pgcn, 256 for edgeconv). The estimate was 1.1 to 2.4 times the measured
peak for the runs above 100 MiB, and up to 8 times for smaller ones, where the
fixed workspace of ``model_memory`` dominates.
"""

from __future__ import annotations

from graphkit.ops.chunks import CHUNK_ELEMENTS
from graphkit.train.config import TrainConfig

# Embedding size of each pgcn head (see graphkit.nn.pgcn.pgcn_layer).
PGCN_EMBED_DIM = 4

# Values of N * (w_in + w_out) per layer, kept for backward or held at the peak.
# NOTE: gin, sage-max and batch norm were fitted on the small graph only, because
# their runs on the large one did not finish in 4 minutes.
NODE_FACTORS = {
    "gcn": 2.2,
    "sage": 2.2,
    "sage-max": 2.2,
    "gat": 3.5,
    "gin": 3.5,
    "edgeconv": 3.5,
    "mlp": 2.0,
    "pgcn": 2.5,
}

# Values of N * (w_in + w_out) per layer and global head of a pgcn layer, kept for
# the backward pass.
PGCN_HEAD_FACTOR = 2.5

# Values of N * w_out per global head that a pgcn layer keeps at once while it
# filters on the lattice, which has up to embed_dim + 1 vertices per node.
PGCN_LATTICE_FACTOR = 1.5 * (PGCN_EMBED_DIM + 1)

# Bytes that the allocator keeps cached and torch's kernels use as workspace, which
# dominate the peak of small models.
WORKSPACE_BYTES = 128 * 2**20

# Values of E * (w_in + w_out) per layer, for the per-edge messages of EdgeConv
# (x_i, x_j - x_i, their concatenation, and the message MLP's layers).
EDGE_FACTORS = {"edgeconv": 5.0}

# The input features' dropout output and mask.
INPUT_FACTOR = 2

# Per-edge chunk tensors that max aggregation and attention hold at once, each under
# twice CHUNK_ELEMENTS values (see graphkit.ops.chunks.row_chunks). GAT layers have
# one value per edge and head, and max aggregation one per edge and feature.
CHUNKED_MODELS = ("sage-max", "gat")
LIVE_CHUNKS = 8

# Extra node values per hidden output width for a normalisation layer (8 fits the
# measured graph batch norm, whose forward and backward keep several [N, w] tensors)
# and for a residual sum.
NORM_FACTOR = 8
RESIDUAL_FACTOR = 1


def activation_values(
    config: TrainConfig,
    num_nodes: int,
    num_edges: int,
    in_channels: int,
    num_classes: int,
) -> int:
    """Return the estimated activation values (not bytes) of one training step.

    ``num_edges`` counts the stored edges of the graph the model runs on. The sum
    over layers is in closed form, so a huge ``config.layers`` costs no loop.
    """
    c = config
    node_factor = NODE_FACTORS.get(c.model, max(NODE_FACTORS.values()))
    edge_factor = EDGE_FACTORS.get(c.model, 0.0)
    if c.layers == 1:
        width_sum = in_channels + num_classes
        hidden_outputs = 0
    else:
        # First layer in -> hidden, layers - 2 of hidden -> hidden, last hidden -> out.
        width_sum = in_channels + 2 * (c.layers - 1) * c.hidden + num_classes
        hidden_outputs = (c.layers - 1) * c.hidden
    if c.model == "pgcn":
        # Each global head keeps its own lattice values and [N, w_out] output
        # (graphkit.nn.pgcn).
        node_factor += PGCN_HEAD_FACTOR * c.heads
    extra = 0
    if c.norm != "none":
        extra += NORM_FACTOR * hidden_outputs
    if c.residual:
        extra += RESIDUAL_FACTOR * hidden_outputs
    values = (node_factor * num_nodes + edge_factor * num_edges) * width_sum
    if c.model == "pgcn":
        widest_output = num_classes if c.layers == 1 else max(c.hidden, num_classes)
        values += PGCN_LATTICE_FACTOR * c.heads * num_nodes * widest_output
    values += num_nodes * (INPUT_FACTOR * in_channels + extra)
    if c.model in CHUNKED_MODELS:
        # A chunk covers at most all edges, with one value per head or per feature.
        edge_width = c.heads if c.model == "gat" else max(in_channels, c.hidden)
        chunk = min(2 * CHUNK_ELEMENTS, num_edges * edge_width)
        values += LIVE_CHUNKS * chunk
    return int(values)
