"""Check that ``graphkit extras run floorset`` rejects invalid settings.

Each invalid setting fails with a message and writes no output.
"""

import pytest
from graphkit.extras.floorset import experiment
from graphkit.launch.cli import main


def test_config_rejects_negative_seed():
    with pytest.raises(ValueError, match="seed must be >= 0, got -1"):
        experiment.Config(seed=-1)


def test_missing_root_exits_without_json(tmp_path, capfd):
    out = tmp_path / "floorset.json"
    argv = ["extras", "run", "floorset", "--json", str(out)]
    code = main([*argv, "--set", f"root={tmp_path / 'missing'}"])
    stderr = capfd.readouterr().err
    assert code == 2
    assert not out.exists()
    assert "FloorSet data not found" in stderr
    assert "Traceback" not in stderr


@pytest.mark.realdata
def test_missing_lite_config_rejected(shared_data):
    config = experiment.Config(
        root=str(shared_data / "extras" / "floorset"),
        lite_configs=(21, 30),
        prime_configs=(),
    )
    with pytest.raises(
        ValueError, match=r"lite cases \[30\] are not under .*found \[21\]"
    ):
        experiment.run(config)


def test_unwritable_plot_dir_rejected_first(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    config = experiment.Config(source="synthetic", plot_dir=str(blocker / "plots"))
    with pytest.raises(ValueError, match=r"plot_dir='.*plots' cannot be created"):
        experiment.run(config)


@pytest.mark.realdata
def test_smoke_reads_given_root(shared_data):
    config = experiment.Config.smoke()
    config = experiment.Config(
        **{**config.__dict__, "root": str(shared_data / "extras" / "floorset")}
    )
    metrics = experiment.run(config)
    # Two Lite and two Prime cases, read from the folder rather than built.
    assert metrics["cases"] == 4
    assert "baseline_mean_cost_prime" in metrics


def test_smoke_without_data_uses_synthetic(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("GRAPHKIT_DATA", str(tmp_path / "missing"))
    monkeypatch.delenv("GRAPHKIT_TEST_DATA", raising=False)
    config = experiment.Config.smoke()
    metrics = experiment.run(config)
    assert "uses synthetic cases" in caplog.text
    # The warning names the folder it searched, so a mistyped GRAPHKIT_DATA shows.
    assert str(tmp_path / "missing" / "extras" / "floorset") in caplog.text
    assert metrics["cases"] == len(config.synthetic_sizes)
