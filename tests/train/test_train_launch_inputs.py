"""``graphkit train``: invalid device choices in YAML and invalid launcher variables."""

import pytest
from graphkit.launch.cmd_train import launched_distributed

from graphkit.train.config import TrainConfig


@pytest.mark.parametrize("name, value", [("device", "gpu"), ("backend", "NCCL")])
def test_yaml_invalid_choice_names_file(tmp_path, name, value):
    path = tmp_path / "run.yaml"
    path.write_text(f"{name}: {value}\n")
    with pytest.raises(
        ValueError, match=f"run.yaml: option {name}='{value}' is invalid"
    ):
        TrainConfig.from_yaml(path)


def test_world_size_not_integer(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "abc")
    with pytest.raises(
        ValueError, match="environment variable WORLD_SIZE='abc' is not an"
    ):
        launched_distributed(TrainConfig())


def test_empty_launcher_variable_means_one(monkeypatch):
    monkeypatch.setenv("PMI_SIZE", "")
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    monkeypatch.delenv("OMPI_COMM_WORLD_SIZE", raising=False)
    assert launched_distributed(TrainConfig()) is False


@pytest.mark.parametrize("name", ["PMIX_SIZE", "MPI_LOCALNRANKS"])
def test_mpi_size_variable_means_distributed(monkeypatch, name):
    """Check that an MPI size variable above 1 marks the run as distributed.

    launched_distributed reads the same variables as init_process_group.
    """
    for other in ("WORLD_SIZE", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_SIZE"):
        monkeypatch.delenv(other, raising=False)
    monkeypatch.delenv("MPI_LOCALNRANKS", raising=False)
    monkeypatch.setenv(name, "2")
    assert launched_distributed(TrainConfig()) is True
