"""``graphkit kg pretrain --seed`` accepts exactly the 64-bit range of a torch seed."""

import pytest
from graphkit.launch.cli import main


@pytest.fixture()
def graph(tmp_path):
    path = tmp_path / "triples.tsv"
    path.write_text("a\tr\tb\nb\tr\tc\n")
    return path


def pretrain(graph, out, seed):
    argv = ["kg", "pretrain", "--graph", str(graph), "--out", str(out)]
    argv += ["--steps", "1", "--negatives", "2", "--seed", str(seed)]
    return main(argv)


@pytest.mark.parametrize("seed", [2**64, -(2**63) - 1])
def test_seed_outside_range_rejected(graph, tmp_path, capsys, seed):
    out = tmp_path / "run"
    with pytest.raises(SystemExit) as stop:
        pretrain(graph, out, seed)
    assert stop.value.code == 2
    error = capsys.readouterr().err
    assert "--seed" in error
    assert (
        f"expected an integer in [-2^63, 2^64), the range of a torch seed, got {seed}"
        in error
    )
    assert not out.exists()


@pytest.mark.parametrize("seed", [2**64 - 1, -(2**63)])
def test_seed_range_ends_accepted(graph, tmp_path, seed):
    out = tmp_path / "run"
    assert pretrain(graph, out, seed) == 0
    assert (out / "last.pth").is_file()
