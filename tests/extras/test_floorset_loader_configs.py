"""The FloorSet loaders reject block counts they cannot find or could never match."""

from __future__ import annotations

import shutil

import pytest
from graphkit.extras.floorset.data import (
    MissingCasesError,
    load_floorset,
    load_lite,
    load_prime,
)


@pytest.mark.parametrize("configs", [["21"], 21, "21", [21.0], [True]])
def test_configs_must_be_block_counts(tmp_path, configs):
    # The string "21" never equals the block count 21, so it would select no case.
    with pytest.raises(TypeError, match=r"configs must"):
        load_lite(tmp_path, configs)
    with pytest.raises(TypeError, match=r"configs must"):
        load_prime(tmp_path, configs)


@pytest.mark.realdata
def test_missing_block_count_rejected(tmp_path, shared_data):
    source = shared_data / "extras" / "floorset" / "LiteTensorDataTest" / "config_21"
    root = tmp_path / "LiteTensorDataTest"
    shutil.copytree(source, root / "config_21")
    # Without the check, a block count without a folder gives a partial list.
    with pytest.raises(MissingCasesError, match=r"cases \[30\] are not under") as error:
        load_floorset(tmp_path, "lite", [21, 30])
    assert error.value.missing == [30]
    assert error.value.found == [21]
    cases = load_lite(root, [21])
    assert [case.name for case in cases] == ["lite/config_21"]
