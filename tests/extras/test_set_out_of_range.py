"""An out-of-range --set value stops the command before the run, with one error line."""

from __future__ import annotations

import dataclasses

import pytest
from graphkit.extras import registry, runs
from graphkit.extras.overrides import MAX_INT, MIN_INT


@pytest.mark.parametrize(
    ("annotation", "text", "shown"),
    [
        (int, "100000000000000000000", "100000000000000000000"),
        (int, str(MAX_INT + 1), str(MAX_INT + 1)),
        (int, str(MIN_INT - 1), str(MIN_INT - 1)),
        (int | None, "100000000000000000000", "100000000000000000000"),
        (tuple[int, ...], "1,100000000000000000000", "100000000000000000000"),
    ],
)
def test_huge_int_rejected(annotation, text, shown):
    with pytest.raises(ValueError, match="out of range") as error:
        registry.parse_value(text, annotation, "epochs")
    message = str(error.value)
    assert f"--set epochs={shown}" in message
    assert f"from {MIN_INT} to {MAX_INT}" in message


def test_int_range_edges_accepted():
    assert registry.parse_value(str(MAX_INT), int, "epochs") == MAX_INT
    assert registry.parse_value(str(MIN_INT), int, "offset") == MIN_INT


@pytest.mark.parametrize(
    ("name", "setting", "message"),
    [
        ("local_errors", "epochs=100000000000000000000", r"--set epochs=1000.*out of range"),
        ("local_errors", "epochs=0", r"epochs=0 is invalid. Use a value >= 1."),
        ("surrogate_snn", "tau_mem=inf", r"tau_mem=inf is invalid: the initial weights"),
        ("surrogate_snn", "tau_mem=1e17", r"tau_mem=1e\+17 is invalid"),
        ("temporal_coding", "penalty=inf", r"penalty=inf is invalid; expected a finite"),
        ("eas", "position_scale=inf", r"position_scale=inf is invalid. Use a finite"),
        ("eas", "position_scale=-inf", r"position_scale=-inf is invalid"),
        ("attn_upsample", "shave=-1", r"shave=-1 is invalid: set shave to 0"),
    ],
)
def test_setting_rejected_by_config(name, setting, message):
    smoke = registry.get(name).default_config(smoke=True)
    with pytest.raises(ValueError, match=message):
        registry.apply_overrides(smoke, [setting])


def test_finite_settings_accepted():
    smoke = registry.get("surrogate_snn").default_config(smoke=True)
    config = registry.apply_overrides(smoke, ["tau_mem=1e6", "tau_syn=inf"])
    assert config.tau_mem == 1e6
    eas = registry.get("eas").default_config(smoke=True)
    assert registry.apply_overrides(eas, ["position_scale=-2"]).position_scale == -2
    attn = registry.get("attn_upsample").default_config(smoke=True)
    assert registry.apply_overrides(attn, ["shave=0"]).shave == 0


def test_huge_epochs_run_exits_2(capfd, monkeypatch):
    from graphkit.launch.cli import run

    def fail_if_run(config):
        raise AssertionError(f"the run started with epochs={config.epochs}")

    # A run of 10^20 epochs would not end, so the test fails at once if it starts.
    guarded = dataclasses.replace(registry.get("local_errors"), run_fn=fail_if_run)
    monkeypatch.setattr(runs, "get", lambda name: guarded)
    code = run(
        ["extras", "run", "local_errors", "--smoke", "--set", "epochs=100000000000000000000"]
    )
    captured = capfd.readouterr()
    assert code == 2
    assert "epochs=100000000000000000000" in captured.err
    assert "out of range" in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""
