"""filtered_ranks rejects inputs that indexing would broadcast into wrong ranks."""

import pytest
import torch

from graphkit.kg import filtered_ranks

SCORES = torch.tensor([[3.0, 2.0, 1.0, 0.0], [0.0, 1.0, 2.0, 3.0]])
KNOWN = torch.tensor([[True, False, False, False], [False, False, False, False]])


def test_hand_counted_ranks():
    # Row 0: entity 0 is filtered, entity 1 beats the answer 2. Row 1: 3 and 2 beat 1.
    ranks = filtered_ranks(SCORES, torch.tensor([2, 1]), KNOWN)
    assert ranks.tolist() == [2, 3]


def test_answer_column_rejected():
    with pytest.raises(ValueError, match=r"answers must have shape \(2,\).*\(2, 1\)"):
        filtered_ranks(SCORES, torch.tensor([[2], [1]]), KNOWN)


def test_negative_answer_rejected():
    with pytest.raises(ValueError, match=r"ids in \[0, 4\).*found -1"):
        filtered_ranks(SCORES, torch.tensor([2, -1]), KNOWN)


def test_answer_past_last_entity_rejected():
    with pytest.raises(ValueError, match=r"ids in \[0, 4\).*found 4"):
        filtered_ranks(SCORES, torch.tensor([2, 4]), KNOWN)


def test_fewer_answers_than_rows_rejected():
    with pytest.raises(ValueError, match=r"answers must have shape \(2,\)"):
        filtered_ranks(SCORES, torch.tensor([2]), KNOWN[:1])


def test_known_of_other_shape_rejected():
    with pytest.raises(ValueError, match=r"known must have the shape of scores"):
        filtered_ranks(SCORES, torch.tensor([2, 1]), KNOWN[:, :3])


def test_one_dimensional_scores_rejected():
    with pytest.raises(ValueError, match=r"scores must have shape \(B, V\)"):
        filtered_ranks(SCORES[0], torch.tensor([2]), KNOWN[0])


def test_float_answers_rejected():
    with pytest.raises(TypeError, match="answers must be integer entity ids"):
        filtered_ranks(SCORES, torch.tensor([2.0, 1.0]), KNOWN)


def test_integer_mask_equals_bool_mask():
    answers = torch.tensor([2, 1], dtype=torch.int32)
    ranks = filtered_ranks(SCORES, answers, KNOWN.to(torch.uint8))
    assert ranks.tolist() == [2, 3]


def test_float_mask_rejected():
    with pytest.raises(
        TypeError, match=r"known must be a bool mask.*got torch.float32"
    ):
        filtered_ranks(SCORES, torch.tensor([2, 1]), KNOWN.float())


def test_integer_mask_with_other_values_rejected():
    with pytest.raises(TypeError, match="int64 with values other than 0 and 1"):
        filtered_ranks(SCORES, torch.tensor([2, 1]), KNOWN.long() * 2)
