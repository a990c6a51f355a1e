"""``finetune`` and ``pretrain`` reject a checkpoint_dir with another run's checkpoints."""

import re

import pytest
import torch

from graphkit.kg import KnowledgeGraph, Ultra, finetune, pretrain
from graphkit.kg.checkpoint_folder import earlier_checkpoints

SETTINGS = {"batch_size": 2, "num_negatives": 2}


def _graph() -> KnowledgeGraph:
    return KnowledgeGraph.from_named_triples(
        [("a", "r", "b"), ("b", "r", "c"), ("c", "s", "a")]
    )


def _model() -> Ultra:
    torch.manual_seed(0)
    return Ultra(dim=8, num_layers=1)


def test_finetune_rejects_earlier_steps(tmp_path):
    (tmp_path / "step_2.pth").write_bytes(b"earlier step 2")
    (tmp_path / "step_10.pth").write_bytes(b"earlier step 10")
    model = _model()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(ValueError) as caught:
        finetune(model, _graph(), steps=1, checkpoint_dir=str(tmp_path), **SETTINGS)
    message = str(caught.value)
    assert message.startswith(f"checkpoint_dir {tmp_path} already contains checkpoints")
    assert "(step_2.pth, step_10.pth)" in message
    assert f"resume={str(tmp_path / 'step_10.pth')!r}" in message
    assert "or choose another checkpoint_dir" in message
    assert (tmp_path / "step_2.pth").read_bytes() == b"earlier step 2"
    assert (tmp_path / "step_10.pth").read_bytes() == b"earlier step 10"
    assert not (tmp_path / "last.pth").exists()
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key]), key


def test_second_run_keeps_first_run(tmp_path):
    finetune(_model(), _graph(), steps=1, checkpoint_dir=str(tmp_path), **SETTINGS)
    written = (tmp_path / "last.pth").read_bytes()
    resume = re.escape(f"resume={str(tmp_path / 'last.pth')!r}")
    with pytest.raises(ValueError, match=resume):
        pretrain(
            _model(),
            _graph(),
            steps=1,
            seed=1,
            checkpoint_dir=str(tmp_path),
            **SETTINGS,
        )
    assert (tmp_path / "last.pth").read_bytes() == written


def test_resume_into_same_folder_allowed(tmp_path):
    folder = str(tmp_path)
    settings = {**SETTINGS, "checkpoint_every": 1}
    finetune(_model(), _graph(), steps=1, checkpoint_dir=folder, **settings)
    losses = finetune(
        _model(),
        _graph(),
        steps=2,
        checkpoint_dir=folder,
        resume=tmp_path / "step_1.pth",
        **settings,
    )
    assert len(losses) == 1
    assert torch.load(tmp_path / "last.pth", weights_only=True)["step"] == 2
    assert earlier_checkpoints(tmp_path) == ["step_1.pth", "step_2.pth", "last.pth"]


def test_other_files_allowed(tmp_path):
    for name in ("notes.txt", "model.pth", "step_x.pth", "last.pt"):
        (tmp_path / name).write_text("kept")
    finetune(_model(), _graph(), steps=1, checkpoint_dir=str(tmp_path), **SETTINGS)
    assert (tmp_path / "last.pth").is_file()
    for name in ("notes.txt", "model.pth", "step_x.pth", "last.pt"):
        assert (tmp_path / name).read_text() == "kept"


def test_long_listing_counts_the_rest(tmp_path):
    for step in (1, 2, 3, 20, 100):
        (tmp_path / f"step_{step}.pth").write_bytes(b"")
    with pytest.raises(ValueError) as caught:
        finetune(_model(), _graph(), steps=1, checkpoint_dir=str(tmp_path), **SETTINGS)
    message = str(caught.value)
    assert "(step_1.pth, step_2.pth, step_3.pth and 2 more)" in message
    assert f"resume={str(tmp_path / 'step_100.pth')!r}" in message


def test_missing_folder_has_no_checkpoints(tmp_path):
    assert earlier_checkpoints(tmp_path / "missing") == []


def test_folders_named_like_checkpoints_ignored(tmp_path):
    (tmp_path / "step_3.pth").write_bytes(b"")
    (tmp_path / "step_7.pth").mkdir()
    (tmp_path / "last.pth").mkdir()
    assert earlier_checkpoints(tmp_path) == ["step_3.pth"]


@pytest.mark.parametrize("resume", [False, True])
def test_folder_named_like_checkpoint_rejected(tmp_path, resume):
    # Without the check, the run would train and then fail to write last.pth.
    (tmp_path / "last.pth").mkdir()
    (tmp_path / "step_1.pth").mkdir()
    arguments = {"checkpoint_dir": str(tmp_path), **SETTINGS}
    if resume:
        (tmp_path / "step_0.pth").write_bytes(b"")
        arguments["resume"] = tmp_path / "step_0.pth"
    model = _model()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(ValueError) as caught:
        finetune(model, _graph(), steps=1, **arguments)
    assert str(caught.value) == (
        f"checkpoint_dir {tmp_path} contains folders named like checkpoints "
        "(step_1.pth, last.pth), where the run would write its checkpoint files. "
        "Rename or remove them, or choose another checkpoint_dir"
    )
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key]), key
