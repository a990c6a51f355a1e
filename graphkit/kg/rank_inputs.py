"""Checks of the score, answer and filter tensors that filtered ranking takes.

Indexing with a wrong shape broadcasts instead of failing. Answers of shape ``(B, 1)``
(as ``queries[:, 2:3]`` gives them) would return a ``(B, V)`` matrix of meaningless
ranks, and a negative answer id would rank the last entity.
"""

from __future__ import annotations

import torch
from torch import Tensor


def check_rank_inputs(
    scores: Tensor, answers: Tensor, known: Tensor
) -> tuple[Tensor, Tensor]:
    """Return ``answers`` as int64 and ``known`` as bool, or raise for a wrong input.

    ``scores`` must be ``(B, V)`` and floating-point, ``answers`` ``(B,)`` integer ids in
    ``[0, V)``, and ``known`` ``(B, V)`` bool (or an integer mask of 0 and 1).

    Raises:
        TypeError: a tensor has the wrong dtype.
        ValueError: a tensor has the wrong shape, or an answer id is out of range.
    """
    if scores.dim() != 2:
        raise ValueError(
            f"scores must have shape (B, V), one row of entity scores per query, got "
            f"shape {tuple(scores.shape)}. Add a batch dimension with scores[None]"
        )
    if not scores.is_floating_point():
        raise TypeError(f"scores must be floating-point, got {scores.dtype}")
    batch_size, num_entities = scores.shape
    if (
        answers.is_floating_point()
        or answers.is_complex()
        or answers.dtype == torch.bool
    ):
        raise TypeError(
            f"answers must be integer entity ids, got {answers.dtype}. Convert "
            "whole-number ids with answers.long()"
        )
    if answers.shape != (batch_size,):
        raise ValueError(
            f"answers must have shape ({batch_size},), one entity id per row of "
            f"scores, got shape {tuple(answers.shape)}. Flatten a column of ids "
            "with answers.view(-1)"
        )
    if answers.numel():
        low, high = int(answers.min()), int(answers.max())
        if low < 0 or high >= num_entities:
            raise ValueError(
                f"answers must be entity ids in [0, {num_entities}), the columns of "
                f"scores, found {low if low < 0 else high}"
            )
    if known.shape != scores.shape:
        raise ValueError(
            f"known must have the shape of scores {tuple(scores.shape)}, got "
            f"{tuple(known.shape)}"
        )
    if known.dtype != torch.bool:
        if known.is_floating_point() or known.is_complex():
            found = f"{known.dtype}"
        elif bool(((known != 0) & (known != 1)).any()):
            found = f"{known.dtype} with values other than 0 and 1"
        else:
            found = None
        if found is not None:
            raise TypeError(
                f"known must be a bool mask (or integers 0 and 1), got {found}. Pass "
                "the mask of known answers as a bool tensor"
            )
        known = known.bool()
    return answers.long(), known
