"""Missing-data errors give the download option for Python and for the command line."""

from __future__ import annotations

import pytest

from graphkit.datasets import DatasetNotFoundError, load_dataset
from graphkit.datasets.asymproj import load_asymproj
from graphkit.option_names import command_line_options


@pytest.mark.parametrize("name", ["cora", "texas", "roman-empire"])
def test_missing_dataset_names_cli_option(tmp_path, name):
    with pytest.raises(DatasetNotFoundError, match=r"download=True") as error:
        with command_line_options():
            load_dataset(name, root=tmp_path)
    assert "--dataset-options '{download: true}'" in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_missing_asymproj_names_python_call(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"download=True") as error:
        load_asymproj("ppi", root=tmp_path)
    # No command downloads AsymProj splits: graphkit train does not list them.
    assert "load_asymproj('ppi', root, download=True)" in str(error.value)
    assert "--dataset-options" not in str(error.value)
