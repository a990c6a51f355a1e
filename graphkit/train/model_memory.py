"""A check, before a model is built, that training it can fit in memory.

A width, layer count or head count typed with extra digits would otherwise allocate
until torch fails with a C++ allocator traceback, or until the kernel's
out-of-memory killer ends the process without a message.
"""

from __future__ import annotations

import logging

import torch

from graphkit.embed.memory_budget import available_memory_bytes
from graphkit.option_names import flag, from_command_line, option
from graphkit.train.activation_memory import (
    PGCN_EMBED_DIM,
    WORKSPACE_BYTES,
    activation_values,
)
from graphkit.train.config import TrainConfig

logger = logging.getLogger(__name__)


class ModelMemoryError(MemoryError, ValueError):
    """Training the configured model would need more memory than is available.

    It is a ValueError too, because the cause is an option value, so the command line
    reports it in one line.
    """


def training_bytes(
    config: TrainConfig,
    num_nodes: int,
    in_channels: int,
    num_classes: int,
    element_size: int,
) -> int:
    """Return a lower bound on the bytes that one training step of ``config`` holds.

    Every layer type has a weight matrix of at least ``in x out`` entries, and Adam
    keeps a gradient and two moment estimates of each parameter, so the parameters
    count four times. The backward pass keeps each layer's ``[num_nodes, out]``
    output. A pgcn layer also has an ``in x (heads * 4)`` embedding and its
    ``[num_nodes, heads * 4]`` positions. Biases, norms, edge messages and
    attention coefficients are left out, so the true need is larger.
    :func:`estimated_training_bytes` adds an estimate of those activations.
    """
    c = config
    # All layers but the first and last map hidden to hidden, so the sums are formed
    # in closed form, and a huge --layers costs no loop.
    hidden_layers = max(c.layers - 2, 0)
    if c.layers == 1:
        weights = in_channels * num_classes
    else:
        weights = in_channels * c.hidden + hidden_layers * c.hidden**2
        weights += c.hidden * num_classes
    outputs = num_nodes * ((c.layers - 1) * c.hidden + num_classes)
    if c.model == "pgcn":
        embedding = c.heads * PGCN_EMBED_DIM
        layer_inputs = in_channels + (c.layers - 1) * c.hidden
        weights += layer_inputs * embedding
        outputs += num_nodes * c.layers * embedding
    return element_size * (4 * weights + outputs)


def estimated_training_bytes(
    config: TrainConfig,
    num_nodes: int,
    num_edges: int,
    in_channels: int,
    num_classes: int,
    element_size: int,
) -> int:
    """Return the estimated peak bytes of one training step of ``config``.

    This is :func:`training_bytes` for the parameters, gradients and Adam states,
    plus the activations of
    :func:`graphkit.train.activation_memory.activation_values` and a fixed
    allocator workspace.
    """
    activations = activation_values(config, num_nodes, num_edges, in_channels, num_classes)
    parameters = training_bytes(config, num_nodes, in_channels, num_classes, element_size)
    return parameters + element_size * activations + WORKSPACE_BYTES


def stored_edge_count(graph) -> int:
    """Return the number of edges that ``graph`` stores on this rank.

    That is all edges of a ``LocalGraph``, or the sum over the per-peer blocks of a
    ``ShardedGraph``.

    NOTE: a ShardedGraph also stores the halo rows that it fetches from other ranks,
    which the estimate leaves out.
    """
    block = getattr(graph, "block", None)
    if block is not None:
        return block.num_edges
    return sum(block.num_edges for block in getattr(graph, "blocks", ()))


def device_memory_bytes(device: torch.device) -> int | None:
    """Return the free memory of ``device`` in bytes, or None where it is unknown.

    CPU memory is ``MemAvailable`` of ``/proc/meminfo`` (Linux only), and CUDA memory
    the free memory that ``torch.cuda.mem_get_info`` reports.
    """
    if device.type == "cpu":
        return available_memory_bytes()
    if device.type == "cuda":
        try:
            return int(torch.cuda.mem_get_info(device)[0])
        except (RuntimeError, AssertionError, AttributeError):
            return None
    return None


def check_training_memory(
    config: TrainConfig, x: torch.Tensor, num_classes: int, num_edges: int = 0
) -> None:
    """Raise ModelMemoryError when training ``config`` on ``x`` may not fit in memory.

    Two needs are compared with the free memory of ``x.device``: the certain lower
    bound of :func:`training_bytes` and the fuller estimate of
    :func:`estimated_training_bytes`, for ``num_edges`` stored edges of the graph the
    model runs on. The estimate was measured at 1.1 to 2.4 times the real peak, so a
    run that it rejects may still fit. The error gives the lower bound ("at least")
    when it exceeds the free memory, and the estimate otherwise. With
    ``config.memory_check`` false, a warning is logged instead, for the lower bound
    too, because free memory does not count swap or memory that other processes
    release later. Nothing is checked where the free memory is unknown.

    NOTE: ranks that share one machine each compare their own need with the memory
    free to all of them.
    """
    available = device_memory_bytes(x.device)
    if available is None:
        return
    num_nodes, in_channels = x.size(0), x.size(1)
    element_size = x.element_size()
    estimate = estimated_training_bytes(
        config, num_nodes, num_edges, in_channels, num_classes, element_size
    )
    if estimate <= available:
        return
    lower_bound = training_bytes(
        config, num_nodes, in_channels, num_classes, element_size
    )
    names = ["hidden", "layers"]
    if config.model in ("gat", "pgcn"):
        names.append("heads")
    sizes = ", ".join(option(name, getattr(config, name)) for name in names)
    lower = " or ".join(option(name) for name in names)
    run = (
        f"training {option('model', config.model)} with {sizes} on {num_nodes} "
        f"nodes and {num_edges} edges with {in_channels} features"
    )
    free = f"{available / 2**30:.4g} GiB of {x.device.type} memory is free"
    if lower_bound > available:
        message = (
            f"{run} needs at least {lower_bound / 2**30:.4g} GiB for the parameters, "
            f"gradients, Adam states and layer outputs alone (an estimated "
            f"{estimate / 2**30:.4g} GiB with all activations), but {free}"
        )
        fix = f"Lower {lower}"
    else:
        message = (
            f"{run} needs an estimated {estimate / 2**30:.4g} GiB for the parameters, "
            f"gradients, Adam states and activations (at least "
            f"{lower_bound / 2**30:.4g} GiB), but {free}"
        )
        # The estimate was measured at up to 2.4 times the peak of runs above 100 MiB.
        fix = (
            f"Lower {lower}, or pass {memory_check_opt_out()} to train anyway, since "
            "the estimate can be more than twice the real peak"
        )
    if not config.memory_check:
        logger.warning("%s. Training goes on, because the memory check is off", message)
        return
    raise ModelMemoryError(f"{message}. {fix}")


def memory_check_opt_out() -> str:
    """Return the setting that turns the memory check off, as the caller writes it.

    That is ``--no-memory-check`` on the command line, and ``memory_check=False``
    in Python.
    """
    if from_command_line():
        return flag("memory_check").replace("--", "--no-", 1)
    return option("memory_check", False)
