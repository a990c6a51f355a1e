"""Track purity needs one instance id per tracked detection."""

import numpy as np
import pytest
from graphkit.extras.dsg.tracker import track_purity


@pytest.mark.parametrize("instances", [[1, 1], [1, 1, 2, 2]])
def test_length_mismatch_rejected(instances):
    with pytest.raises(ValueError, match=f"instance has {len(instances)} rows"):
        track_purity(np.array([0, 0, 1]), np.array(instances))


def test_matching_lengths_hand_value():
    # Track 0 contains instances 1, 1, 2 (majority 2 of 3) and track 1 contains 2, so
    # 3 of the 4 detections agree with their track's majority.
    purity = track_purity(np.array([0, 0, 0, 1]), np.array([1, 1, 2, 2]))
    assert purity == 0.75
