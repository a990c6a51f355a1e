"""FloorSet edge cases: float gaps in clusters, unequal MIB areas, synthetic sizes."""

from __future__ import annotations

import numpy as np
import pytest
from floorset_cases import make_case
from graphkit.extras.floorset import experiment
from graphkit.extras.floorset.evaluate import evaluate, layout_from_boxes
from graphkit.extras.floorset.placer import place


@pytest.mark.parametrize("gap, violations", [(1e-10, 0), (1e-7, 0), (1e-3, 1)])
def test_cluster_float_gap(gap, violations):
    # Two unit squares side by side, the second shifted right by ``gap``.
    boxes = np.array([[0.0, 0.0, 1.0, 1.0], [1.0 + gap, 0.0, 1.0, 1.0]])
    case = make_case(boxes, cluster=[1, 1])
    result = evaluate(case, layout_from_boxes(boxes))
    assert result.grouping_violations == violations


def test_placer_mib_unequal_areas_feasible():
    # The members of one MIB group have areas 2, 1, 1 and 3, so no common shape
    # exists and the placer must keep every block at its own target area.
    boxes = [[0, 0, 2, 1], [2, 0, 1, 1], [0, 1, 1, 1], [1, 1, 3, 1]]
    case = make_case(boxes, mib=[1, 1, 1, 1])
    layout = place(case)
    result = evaluate(case, layout)
    assert result.area_violations == 0
    assert result.overlaps == 0
    assert result.feasible


@pytest.mark.parametrize("sizes", [(), (1,), (12, 1)])
def test_synthetic_sizes_validated(sizes):
    with pytest.raises(ValueError, match="synthetic_sizes"):
        experiment.Config(source="synthetic", synthetic_sizes=sizes)


def test_synthetic_source_ignores_empty_dataset_configs():
    config = experiment.Config(source="synthetic", lite_configs=(), prime_configs=())
    assert config.synthetic_sizes == (12, 24)
