"""``graphkit extras run`` options: NaN, infinity and booleans in --set, and --threads."""

from __future__ import annotations

import math
import types
from dataclasses import dataclass

import pytest
from graphkit.extras import registry
from graphkit.launch import cli, cmd_extras


@dataclass
class _Config:
    lr: float = 0.1
    rates: tuple[float, ...] = (0.1, 0.2)
    cap: float | None = None

    def __post_init__(self) -> None:
        if self.lr <= 0:
            raise ValueError(f"lr={self.lr} must be positive")


@pytest.mark.parametrize(
    "pair", ["lr=nan", "lr=NaN", "lr=-nan", "rates=0.1,nan", "cap=nan"]
)
def test_set_rejects_nan(pair):
    with pytest.raises(ValueError, match="NaN is invalid"):
        registry.apply_overrides(_Config(), [pair])


def test_set_accepts_infinity():
    config = registry.apply_overrides(_Config(), ["lr=inf", "cap=-inf"])
    assert config.lr == math.inf
    assert config.cap == -math.inf


@pytest.mark.parametrize(
    "text, expected",
    [("False", False), ("0", False), ("off", False), ("TRUE", True), ("yes", True)],
)
def test_set_parses_false_strings(text, expected):
    # bool("False") is True, so a bool field must not be parsed with bool().
    assert registry.parse_value(text, bool, "flag") is expected


@pytest.mark.parametrize("threads", ["0", "-2", "two"])
def test_cli_rejects_invalid_threads(threads, capsys):
    # torch.set_num_threads(0) raises RuntimeError, so the CLI must reject the value
    # as a usage error first.
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["extras", "run", "dsgdetr", "--smoke", "--threads", threads])
    assert exit_info.value.code == 2
    assert "--threads" in capsys.readouterr().err


def test_error_rows_stay_on_one_line():
    result = registry.ExperimentResult(
        name="toy",
        title="Toy",
        issue_group=99,
        smoke=True,
        config={},
        metrics={},
        criteria=[],
        seconds=0.0,
        error="RuntimeError: shapes a|b differ\n  second line",
    )
    table = cmd_extras.format_table([result]).splitlines()
    markdown = cmd_extras.format_markdown([result]).splitlines()
    # Each output has a header, a rule and one row.
    assert len(table) == 3
    assert len(markdown) == 3
    assert "shapes a\\|b differ second line" in markdown[2]
    assert markdown[2].count(" | ") == 5


def test_run_all_reports_import_failure(monkeypatch, capsys):
    @dataclass
    class ToyConfig:
        epochs: int = 1

        @classmethod
        def smoke(cls):
            return cls()

    experiment = registry.Experiment(
        name="toy_all",
        title="Toy",
        summary="toy",
        issue_group=99,
        module=__name__,
        holder=types.SimpleNamespace(
            Config=ToyConfig,
            run=lambda config: {"score": 1.0},
            criteria=lambda metrics: [registry.at_least("score", 1.0, 0.5)],
        ),
    )
    monkeypatch.setitem(registry._REGISTRY, "toy_all", experiment)
    monkeypatch.setattr(registry, "list_experiments", lambda: [experiment])
    monkeypatch.setitem(
        registry._IMPORT_ERRORS, "graphkit.extras.broken_demo", "RuntimeError: boom"
    )
    code = cli.main(["extras", "run", "all", "--smoke"])
    table = capsys.readouterr().out
    assert code == 1
    assert "broken_demo" in table
    assert "import failed: RuntimeError: boom" in table
    assert "toy_all" in table


@pytest.mark.parametrize("text", ["none", "None", "null", " NULL "])
def test_set_optional_none_spellings(text):
    config = registry.apply_overrides(_Config(cap=1.0), [f"cap={text}"])
    assert config.cap is None


@pytest.mark.parametrize("pair", ["=0.5", " = 0.5", "="])
def test_set_rejects_empty_key(pair):
    with pytest.raises(ValueError) as error:
        registry.apply_overrides(_Config(), [pair])
    message = str(error.value)
    assert message.startswith(f"--set {pair!r}: the key before '=' is empty")
    assert message.endswith("key of _Config: cap, lr, rates")
    assert "unknown config key" not in message
