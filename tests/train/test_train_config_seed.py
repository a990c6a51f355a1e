"""TrainConfig rejects a seed outside [-2^63, 2^63).

Torch accepts seeds up to 2^64 - 1, and the bound leaves a 2^63 margin for the
per-epoch seeds seed + 1_000_003 * epoch + rank. A seed beyond torch's range used
to fail only when training started, with torch's "Overflow when unpacking long long",
which names neither the seed nor the range.
"""

import pytest

from graphkit.launch.cli import run
from graphkit.train import TrainConfig


@pytest.mark.parametrize("seed", [2**63, 2**64, -(2**63) - 1])
def test_seed_outside_range_rejected(seed):
    with pytest.raises(ValueError) as caught:
        TrainConfig(seed=seed)
    assert str(caught.value) == (
        f"seed must lie in [-2^63, 2^63), got {seed}. Pass a seed in that range"
    )


@pytest.mark.parametrize("seed", [2**63 - 1, -(2**63)])
def test_seed_range_ends_accepted(seed):
    assert TrainConfig(seed=seed).seed == seed


def test_command_line_seed_rejected(capsys):
    assert run(["train", "--seed", "99999999999999999999", "--epochs", "1"]) == 2
    assert capsys.readouterr().err.strip() == (
        "graphkit train: error: --seed must lie in [-2^63, 2^63), got "
        "99999999999999999999. Pass a seed in that range"
    )
