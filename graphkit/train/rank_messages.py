"""Gathering one error message from every rank, so that rank 0 can print them all."""

from __future__ import annotations

import torch

from graphkit.graph import Graph

# Longer messages are cut, which bounds the gathered tensor at world_size times this.
MAX_MESSAGE_BYTES = 2048


def gather_messages(graph: Graph, message: str, device: torch.device) -> list[str]:
    """Return every rank's ``message``, in rank order (one entry in one process).

    Every rank of ``graph`` must call this, because it runs two reductions. A message
    longer than :data:`MAX_MESSAGE_BYTES` in UTF-8 is cut to that length.
    """
    encoded = message.encode("utf-8")[:MAX_MESSAGE_BYTES]
    world_size = graph.world_size
    lengths = torch.zeros(world_size, dtype=torch.long, device=device)
    lengths[graph.rank] = len(encoded)
    lengths = graph.reduce_max(lengths)
    width = max(int(lengths.max()), 1)
    # Each rank fills its own row and leaves the others zero, so the sum over ranks
    # contains every rank's bytes.
    rows = torch.zeros(world_size, width, dtype=torch.uint8, device=device)
    if encoded:
        rows[graph.rank, : len(encoded)] = torch.tensor(
            list(encoded), dtype=torch.uint8, device=device
        )
    rows = graph.reduce_sum(rows, label="gather_messages").cpu()
    return [
        bytes(rows[rank, : int(lengths[rank])].tolist()).decode("utf-8", "replace")
        for rank in range(world_size)
    ]


def describe_ranks(ranks: list[int]) -> str:
    """Return sorted ``ranks`` as ``"rank 2"``, ``"ranks 0, 1"`` or ``"ranks 0-3, 6"``."""
    spans: list[list[int]] = []
    for rank in ranks:
        if spans and rank == spans[-1][1] + 1:
            spans[-1][1] = rank
        else:
            spans.append([rank, rank])
    parts = []
    for first, last in spans:
        if last - first >= 2:
            parts.append(f"{first}-{last}")
        else:
            parts.extend(str(rank) for rank in range(first, last + 1))
    text = ", ".join(parts)
    return ("rank " if len(ranks) == 1 else "ranks ") + text


def group_messages(messages: list[str]) -> list[tuple[list[int], str]]:
    """Return each distinct message with the ranks that sent it, in order of first rank."""
    ranks_by_message: dict[str, list[int]] = {}
    for rank, message in enumerate(messages):
        ranks_by_message.setdefault(message, []).append(rank)
    return [(ranks, message) for message, ranks in ranks_by_message.items()]
