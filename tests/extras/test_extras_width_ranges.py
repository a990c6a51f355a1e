"""Layer widths out of range fail in the config, before any training starts."""

import pytest
from graphkit.extras import registry


@pytest.mark.parametrize(
    ("name", "setting", "message"),
    [
        ("mfqat", "hidden=0", r"hidden=\(0,\) is invalid. Give layer widths >= 1."),
        ("mfqat", "hidden=256,-1", r"hidden=\(256, -1\) is invalid"),
        ("dsr", "hidden=0", r"hidden=\(0,\) is invalid. Give layer widths >= 1."),
        ("dsr", "hidden=300,-1", r"hidden=\(300, -1\) is invalid"),
        (
            "attn_upsample",
            "value_channels=-1",
            r"value_channels=-1 is invalid: set 0 \(the default\) or a positive",
        ),
    ],
)
def test_width_rejected_by_config(name, setting, message):
    smoke = registry.get(name).default_config(smoke=True)
    with pytest.raises(ValueError, match=message):
        registry.apply_overrides(smoke, [setting])


def test_zero_width_run_exits_2(capfd):
    from graphkit.launch.cli import run

    code = run(["extras", "run", "dsr", "--smoke", "--set", "hidden=0"])
    captured = capfd.readouterr()
    assert code == 2
    assert "hidden=(0,) is invalid" in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""
