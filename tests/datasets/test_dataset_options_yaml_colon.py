"""An option written without a space after its YAML colon gets a hint."""

import pytest
from graphkit.launch.cli import run


def test_colon_without_space_hint(tmp_path, capsys):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n")
    # YAML reads {labels:y.txt} as the key "labels:y.txt" with a null value.
    argv = ["analyze", "--dataset", str(edges), "--dataset-options", "{labels:y.txt}"]
    assert run(argv) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert "has no option 'labels:y.txt'" in error
    assert error.endswith(
        "YAML needs a space after the colon: write {labels: y.txt}, not {labels:y.txt}"
    )


def test_plain_unknown_option_has_no_colon_hint(tmp_path):
    from graphkit.datasets import load_dataset

    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n")
    with pytest.raises(ValueError) as error:
        load_dataset(str(edges), label="y.txt")
    assert "'label' (did you mean 'labels'?)" in str(error.value)
    assert "YAML" not in str(error.value)
