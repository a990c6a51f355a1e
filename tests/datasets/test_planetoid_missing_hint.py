"""The missing-file error of a Planetoid dataset names the features option.

The option is spelled as the caller writes it: a keyword in Python, a
``--dataset-options`` value on the command line.
"""

import pytest

from graphkit.datasets import DatasetNotFoundError, load_dataset
from graphkit.option_names import command_line_options


def test_python_hint_names_keyword(tmp_path):
    with pytest.raises(DatasetNotFoundError) as info:
        load_dataset("cora", root=tmp_path)
    assert "(x, tx, allx are not needed with features=False)" in str(info.value)


def test_cli_hint_names_dataset_options(tmp_path):
    with command_line_options(), pytest.raises(DatasetNotFoundError) as info:
        load_dataset("cora", root=tmp_path)
    hint = "(x, tx, allx are not needed with --dataset-options '{features: false}')"
    assert hint in str(info.value)
