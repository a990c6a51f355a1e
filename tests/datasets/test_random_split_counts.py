"""Random train/validation/test masks: sizes by rounding, disjoint, within the candidates."""

import torch
from graphkit.datasets.splits import random_split_masks


def test_sizes_round_to_nearest():
    # 0.26 * 10 = 2.6 rounds to 3 validation nodes (truncation would give 2).
    masks = random_split_masks(10, 0.44, 0.26, torch.Generator().manual_seed(0))
    assert int(masks["train_mask"].sum()) == 4
    assert int(masks["val_mask"].sum()) == 3
    assert int(masks["test_mask"].sum()) == 3


def test_masks_partition_candidates_only():
    candidates = torch.tensor([1, 3, 4, 6])
    masks = random_split_masks(
        8, 0.5, 0.25, torch.Generator().manual_seed(0), candidates
    )
    together = sum(mask.int() for mask in masks.values())
    assert together.tolist() == [0, 1, 0, 1, 1, 0, 1, 0]
    assert int(masks["train_mask"].sum()) == 2
    assert int(masks["val_mask"].sum()) == 1
    assert int(masks["test_mask"].sum()) == 1


def test_masks_follow_seed_shuffle():
    first = random_split_masks(100, 0.5, 0.2, torch.Generator().manual_seed(0))
    again = random_split_masks(100, 0.5, 0.2, torch.Generator().manual_seed(0))
    other = random_split_masks(100, 0.5, 0.2, torch.Generator().manual_seed(1))
    for key in ("train_mask", "val_mask", "test_mask"):
        assert torch.equal(first[key], again[key]), key
    assert not torch.equal(first["train_mask"], other["train_mask"])
    # A shuffled split spreads the 50 training nodes over all ids (about 25 of them
    # at 50 and above), where an unshuffled one would take nodes 0..49.
    train = first["train_mask"].nonzero().view(-1)
    assert int((train >= 50).sum()) > 10
