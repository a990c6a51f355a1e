"""evaluate returns Python ints and bools, which json.dumps accepts."""

import dataclasses
import json

import numpy as np
from floorset_cases import make_case
from graphkit.extras.floorset.evaluate import evaluate


def test_evaluation_fields_are_python_types():
    # A NumPy integer count or NumPy bool would make json.dumps of the evaluation
    # fail. The second block has area 0.5 against a target of 1, which gives one area
    # violation to count.
    case = make_case([[0.0, 0.0, 1.0, 1.0], [1.0, 0.0, 1.0, 1.0]])
    layout = [np.array([[0.0, 0.0, 1.0, 1.0]]), np.array([[1.0, 0.0, 1.5, 1.0]])]
    result = evaluate(case, layout)
    assert result.area_violations == 1
    assert type(result.area_violations) is int
    assert type(result.feasible) is bool
    assert json.loads(json.dumps(dataclasses.asdict(result)))["feasible"] is False
