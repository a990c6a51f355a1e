"""Training from partitions that contain one split rejects a request for another."""

import pytest
from graphkit.distributed.files import PartitionFileError
from graphkit.distributed.runtime import check_split
from graphkit.option_names import command_line_options

from graphkit.train.config import TrainConfig


def config(split):
    return TrainConfig(dataset="chameleon", partitions="parts", split=split)


def test_other_recorded_split_is_rejected():
    with pytest.raises(
        PartitionFileError, match="contains split 3 only. Pass split=3"
    ):
        check_split({"split": 3}, config(1), mask_dim=1)
    # The command line names its flag.
    with command_line_options(), pytest.raises(
        PartitionFileError, match="contains split 3 only. Pass --split 3"
    ):
        check_split({"split": 3}, config(1), mask_dim=1)


@pytest.mark.parametrize("split", [1, 2])
def test_single_split_dataset_rejects_split(split):
    # Only split 0 names the one split such a dataset has.
    with pytest.raises(PartitionFileError, match=r"one split only \(1-D masks\)"):
        check_split({"split": None}, config(split), mask_dim=1)


def test_matching_or_selectable_split_passes():
    check_split({"split": 3}, config(3), mask_dim=1)
    # A dataset with one split accepts split 0, as a single process does.
    check_split({"split": None}, config(0), mask_dim=1)
    check_split({"split": 3}, config(None), mask_dim=1)
    # 2-D masks keep every split, so masks_for_split selects the column.
    check_split({"split": None}, config(4), mask_dim=2)
    check_split({}, config(4), mask_dim=2)
