"""The --help of each command that reads --dataset names the edge-list path form."""

import pytest
from graphkit.launch.cli import main


@pytest.mark.parametrize(
    "command",
    [["train"], ["partition"], ["isvd", "nodeclass"]],
    ids=["train", "partition", "isvd-nodeclass"],
)
def test_dataset_help_names_edge_list(command, capsys):
    with pytest.raises(SystemExit) as raised:
        main([*command, "--help"])
    assert raised.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "or the path of an edge-list file" in help_text
