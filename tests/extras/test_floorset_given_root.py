"""A FloorSet root given with --set must contain the data, also in a smoke run."""

import re
import shutil
import tarfile

import pytest
from graphkit.extras.floorset import experiment
from graphkit.launch.cli import run


def _smoke(**changes) -> experiment.Config:
    return experiment.Config(**{**experiment.Config.smoke().__dict__, **changes})


def test_missing_root_fails_smoke(tmp_path):
    missing = tmp_path / "missing"
    with pytest.raises(FileNotFoundError, match=re.escape(f"looked in ['{missing}']")):
        experiment.run(_smoke(root=str(missing)))


def test_missing_root_exits_2_without_json(tmp_path, capfd):
    out = tmp_path / "floorset.json"
    argv = ["extras", "run", "floorset", "--smoke", "--json", str(out)]
    code = run([*argv, "--set", f"root={tmp_path / 'missing'}"])
    err = capfd.readouterr().err
    assert code == 2
    assert "FloorSet data not found" in err
    assert "uses synthetic cases" not in err
    assert not out.exists()


@pytest.mark.realdata
def test_parent_folder_hint(shared_data, tmp_path):
    (tmp_path / "extras").mkdir()
    floorset = tmp_path / "extras" / "floorset"
    shutil.copytree(
        shared_data / "extras" / "floorset" / "LiteTensorDataTest",
        floorset / "LiteTensorDataTest",
    )
    with pytest.raises(FileNotFoundError) as caught:
        experiment.run(_smoke(root=str(tmp_path)))
    assert str(caught.value).endswith(
        f"but {floorset} contains it. Pass --set root={floorset}"
    )

    with pytest.raises(FileNotFoundError) as caught:
        experiment.run(_smoke(root=str(floorset / "LiteTensorDataTest")))
    assert str(caught.value).endswith(f"Pass --set root={floorset}")


@pytest.mark.realdata
def test_lite_only_folder_names_fix(shared_data, tmp_path):
    shutil.copytree(
        shared_data / "extras" / "floorset" / "LiteTensorDataTest",
        tmp_path / "LiteTensorDataTest",
    )
    with pytest.raises(FileNotFoundError) as caught:
        experiment.run(_smoke(root=str(tmp_path)))
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'PrimeTensorDataTest.tar.gz'} not found")
    assert message.endswith("or pass --set prime_configs= to skip FloorSet prime")
    metrics = experiment.run(_smoke(root=str(tmp_path), prime_configs=()))
    assert metrics["cases"] == 2


def test_fallback_sizes_checked_in_config():
    with pytest.raises(ValueError, match=r"synthetic_sizes=\(0,\) is invalid"):
        _smoke(synthetic_sizes=(0,))


def test_synthetic_plot_dir_warns(tmp_path, caplog):
    plots = tmp_path / "plots"
    config = experiment.Config(
        source="synthetic", synthetic_sizes=(4,), plot_dir=str(plots)
    )
    experiment.run(config)
    assert f"plot_dir={str(plots)!r} stays empty" in caplog.text
    assert list(plots.iterdir()) == []


def test_partly_unpacked_prime_folder_named(tmp_path):
    # The folder left by an interrupted unpack is read in place of the archive,
    # and the error used to say only that the cases are not under the root.
    (tmp_path / "PrimeTensorDataTest" / "config_21").mkdir(parents=True)
    with tarfile.open(tmp_path / "PrimeTensorDataTest.tar.gz", "w:gz"):
        pass
    with pytest.raises(ValueError) as caught:
        experiment._load_selected(tmp_path, "prime", (21,))
    assert "prime cases [21] are not under" in str(caught.value)
    assert str(caught.value).endswith(
        f"The folder {tmp_path / 'PrimeTensorDataTest'} is read in place of "
        "PrimeTensorDataTest.tar.gz, so complete or remove that folder to use the "
        "archive"
    )


def test_prime_folder_without_archive_no_note(tmp_path):
    (tmp_path / "PrimeTensorDataTest" / "config_21").mkdir(parents=True)
    with pytest.raises(ValueError) as caught:
        experiment._load_selected(tmp_path, "prime", (21,))
    assert "read in place of" not in str(caught.value)


def test_tilde_root_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "fs" / "LiteTensorDataTest").mkdir(parents=True)
    assert experiment.resolve_root("~/fs") == tmp_path / "fs"


def test_tilde_plot_dir_expanded(tmp_path, monkeypatch):
    # A quoted "~/plots" used to create a folder named "~" in the working folder.
    monkeypatch.setenv("HOME", str(tmp_path))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    config = experiment.Config(
        source="synthetic", synthetic_sizes=(4,), search_passes=0, plot_dir="~/plots"
    )
    experiment.run(config)
    assert (tmp_path / "plots").is_dir()
    assert not (work / "~").exists()
