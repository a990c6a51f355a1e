"""Client splits: pathological non-IID (a few classes per client) and the IID control."""

from __future__ import annotations

import numpy as np


def pathological_split(
    labels: np.ndarray, num_clients: int, classes_per_client: int, seed: int
) -> list[np.ndarray]:
    """Split sample indices so each client gets ``classes_per_client`` single-class shards.

    Each class is cut into equal shards, ``num_clients * classes_per_client`` in all,
    and shards are dealt so that no client receives two shards of the same class.

    Args:
        labels (np.ndarray): (N,) integer class labels.
        num_clients (int): number of clients.
        classes_per_client (int): shards (distinct classes) per client.
        seed (int): seed of the shuffles.

    Returns:
        list[np.ndarray]: per client, the indices of its samples.

    Raises:
        ValueError: if ``num_clients`` or ``classes_per_client`` is below 1,
            ``labels`` is empty, the shard total is not a multiple of the class count,
            ``classes_per_client`` exceeds the class count, or a class has fewer
            samples than shards.
    """
    if num_clients < 1 or classes_per_client < 1:
        raise ValueError(
            f"num_clients={num_clients} and classes_per_client={classes_per_client} "
            "are invalid. Use values >= 1."
        )
    if len(labels) == 0:
        raise ValueError("labels is empty. Pass at least one labelled sample.")
    classes = np.unique(labels)
    shards_total = num_clients * classes_per_client
    if shards_total % len(classes):
        raise ValueError(
            f"num_clients * classes_per_client = {shards_total} must be a multiple of the "
            f"{len(classes)} classes so every class gets the same number of shards"
        )
    if classes_per_client > len(classes):
        raise ValueError(
            f"classes_per_client={classes_per_client} exceeds the {len(classes)} "
            "classes: lower classes_per_client"
        )
    per_class = shards_total // len(classes)
    counts = {int(c): int(np.sum(labels == c)) for c in classes}
    smallest = min(counts, key=counts.get)
    if counts[smallest] < per_class:
        # np.array_split would return empty shards, so some clients would get fewer
        # than classes_per_client classes, or no samples at all.
        raise ValueError(
            f"class {smallest} has {counts[smallest]} samples but needs "
            f"{per_class} shards of at least one sample. Lower num_clients * "
            f"classes_per_client to at most {counts[smallest] * len(classes)}."
        )
    rng = np.random.default_rng(seed)
    shards = []
    for c in classes:
        members = rng.permutation(np.flatnonzero(labels == c))
        shards += [(int(c), part) for part in np.array_split(members, per_class)]
    # Sorting shards by (randomly ordered) class and dealing them round-robin with a
    # stride of num_clients gives client k the shards k, k + num_clients, and so on.
    # Those are distinct classes because each class owns per_class <= num_clients
    # consecutive shards.
    rank = {int(c): r for r, c in enumerate(rng.permutation(classes))}
    order = sorted(range(len(shards)), key=lambda s: rank[shards[s][0]])
    clients = [[] for _ in range(num_clients)]
    for position, s in enumerate(order):
        clients[position % num_clients].append(shards[s][1])
    return [np.concatenate(parts) for parts in clients]


def iid_split(num_samples: int, num_clients: int, seed: int) -> list[np.ndarray]:
    """Split ``range(num_samples)`` at random into ``num_clients`` near-equal parts."""
    if not 1 <= num_clients <= num_samples:
        raise ValueError(
            f"invalid num_clients={num_clients}: use 1 to num_samples={num_samples}"
        )
    order = np.random.default_rng(seed).permutation(num_samples)
    return np.array_split(order, num_clients)
