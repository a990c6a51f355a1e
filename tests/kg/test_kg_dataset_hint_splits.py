"""An unknown KG dataset name lists the folders of the root, not the halves of splits."""

import pytest

from graphkit.kg import load_dataset

from .test_kg_query_names import write_files

FACTS = ["a\tr\tb", "b\tr\tc"]


def test_unknown_name_lists_splits_not_ind_halves(tmp_path):
    for name in ("fb237_v2", "fb237_v2_ind", "fb237_v1", "fb237_v1_ind", "toy"):
        write_files(tmp_path / name, train=FACTS, valid=FACTS[:1], test=FACTS[1:])
    with pytest.raises(FileNotFoundError) as caught:
        load_dataset(tmp_path, "fb237")
    message = str(caught.value)
    assert "(did you mean 'fb237_v1' or 'fb237_v2'?)" in message
    assert message.endswith(
        f"folders under {tmp_path}: ['fb237_v1', 'fb237_v2', 'toy']"
    )
