"""``graphkit kg --device`` names the problem when the device cannot be used."""

import pytest
import torch
from graphkit.launch.cli import main


def predict_args(tmp_path, device):
    graph = tmp_path / "triples.tsv"
    graph.write_text("a\tr\tb\n")
    checkpoint = tmp_path / "missing.pth"  # never read: the device check comes first
    return [
        "kg",
        "predict",
        "--checkpoint",
        str(checkpoint),
        "--graph",
        str(graph),
        "--head",
        "a",
        "--relation",
        "r",
        "--device",
        device,
    ]


def test_unknown_device_name(tmp_path):
    with pytest.raises(SystemExit, match="--device 'gpu0' is not a torch device"):
        main(predict_args(tmp_path, "gpu0"))


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_without_gpu(tmp_path):
    with pytest.raises(SystemExit, match=r"torch.cuda.is_available\(\) is False"):
        main(predict_args(tmp_path, "cuda"))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_index_beyond_device_count(tmp_path):
    count = torch.cuda.device_count()
    with pytest.raises(SystemExit, match=f"has {count} CUDA device"):
        main(predict_args(tmp_path, f"cuda:{count}"))


@pytest.mark.skipif(
    torch.backends.mps.is_available(), reason="needs a machine without MPS"
)
def test_mps_without_support(tmp_path):
    with pytest.raises(SystemExit, match=r"--device mps: torch .* cannot use it"):
        main(predict_args(tmp_path, "mps"))


def test_meta_device_rejected(tmp_path):
    with pytest.raises(SystemExit, match="--device meta stores no values"):
        main(predict_args(tmp_path, "meta"))


def test_cuda_index_equal_to_count_simulated(tmp_path, monkeypatch):
    # Runs without a GPU: torch reports one CUDA device, so cuda:1 is out of range.
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    with pytest.raises(SystemExit) as stop:
        main(predict_args(tmp_path, "cuda:1"))
    assert stop.value.code == (
        "--device cuda:1: this machine has 1 CUDA device(s), numbered 0 to 0"
    )


def test_zero_threads_rejected(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main([*predict_args(tmp_path, "cpu"), "--threads", "0"])
    assert stop.value.code == 2
    assert "argument --threads: expected a positive integer, got '0'" in (
        capsys.readouterr().err
    )
