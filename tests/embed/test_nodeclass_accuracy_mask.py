"""accuracy reads the mask as a bool mask, never as row ids."""

import pytest
import torch

from graphkit.embed.nodeclass import accuracy

# Nodes 0 and 1 are predicted right, node 2 wrong.
LOGITS = torch.tensor([[2.0, 0.0], [0.0, 2.0], [2.0, 0.0]])
LABELS = torch.tensor([0, 1, 1])


def test_bool_mask_hand_count():
    assert accuracy(LOGITS, LABELS, torch.tensor([True, True, True])) == pytest.approx(2 / 3)
    assert accuracy(LOGITS, LABELS, torch.tensor([False, True, True])) == 0.5


def test_integer_mask_rejected():
    # As row ids, [1, 1, 1] would select node 1 three times and give 1.0.
    with pytest.raises(TypeError, match=r"got torch.int64. Convert a 0/1 mask"):
        accuracy(LOGITS, LABELS, torch.tensor([1, 1, 1]))


def test_list_of_bools_accepted():
    assert accuracy(LOGITS, LABELS, [True, False, True]) == 0.5
