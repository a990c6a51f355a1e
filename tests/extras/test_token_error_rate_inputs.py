"""Token error rate: mismatched or empty references raise instead of miscounting."""

import pytest
from graphkit.extras.efficient.eas import token_error_rate


def test_fewer_predictions_rejected():
    # zip would score only the first pair: 0 errors over 4 reference tokens.
    with pytest.raises(ValueError, match="got 1 predicted and 2 reference"):
        token_error_rate([[1, 2]], [[1, 2], [3, 4]])


def test_empty_references_rejected():
    with pytest.raises(ValueError, match="hold no tokens"):
        token_error_rate([[1]], [[]])


def test_hand_value():
    # One substitution and one deletion over 4 reference tokens.
    assert token_error_rate([[1, 5], [3]], [[1, 2], [3, 4]]) == 50.0
