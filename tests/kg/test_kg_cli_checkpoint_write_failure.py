"""A training checkpoint that cannot be written stops kg finetune with one line that
names the file and the newest complete checkpoint, and exit code 1."""

import pytest
import torch
from graphkit.launch.cli import run

from graphkit.kg import Ultra
from graphkit.kg import train as train_module
from graphkit.kg.train import TrainConfig, save_training_checkpoint

# The message of torch 2.13's zip writer on a full disk (torch.save to /dev/full).
DISK_FULL = "[enforce fail at inline_container.cc:672] . unexpected pos 704 vs 598"


def test_save_checkpoint_missing_folder(tmp_path):
    model = Ultra(dim=4, num_layers=1)
    optimizer = torch.optim.AdamW(model.parameters())
    path = tmp_path / "gone" / "last.pth"
    with pytest.raises(OSError, match="cannot write checkpoint .*last.pth") as error:
        save_training_checkpoint(path, model, optimizer, 1, TrainConfig(steps=1))
    assert str(error.value).startswith(f"cannot write checkpoint {path} (")


def _finetune_arguments(tmp_path, out, steps: int, every: int) -> list[str]:
    """Write a 3-fact graph and a start checkpoint, and return kg finetune arguments.

    Call it before torch.save is patched, because it saves the start checkpoint.
    """
    graph = tmp_path / "triples.tsv"
    graph.write_text("a\tr\tb\nb\tr\tc\nc\ts\ta\n")
    torch.manual_seed(0)
    checkpoint = tmp_path / "model.pth"
    Ultra(dim=4, num_layers=1).save(checkpoint)
    arguments = ["kg", "finetune", "--checkpoint", str(checkpoint), "--graph"]
    arguments += [str(graph), "--out", str(out), "--steps", str(steps)]
    arguments += ["--batch-size", "2", "--negatives", "2"]
    return arguments + ["--checkpoint-every", str(every)]


def test_finetune_disk_full_keeps_checkpoint(tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"
    arguments = _finetune_arguments(tmp_path, out, steps=3, every=2)
    save = train_module.torch.save

    def save_until_last(payload, target):
        if target.name.startswith("last.pth"):
            raise RuntimeError(DISK_FULL)
        save(payload, target)

    monkeypatch.setattr(train_module.torch, "save", save_until_last)
    monkeypatch.delenv("GRAPHKIT_TRACEBACK", raising=False)
    code = run(arguments)
    err = capsys.readouterr().err
    assert code == 1
    errors = [line for line in err.splitlines() if " ERROR " in line]
    assert len(errors) == 1
    newest = out / "step_2.pth"
    assert errors[0].endswith(
        f"finetune stopped: cannot write checkpoint {out / 'last.pth'} ({DISK_FULL}); "
        f"the newest checkpoint is {newest}, resume with --resume {newest}"
    )
    assert "Traceback" not in err
    assert sorted(path.name for path in out.iterdir()) == ["step_2.pth"]


def test_finetune_no_checkpoint_removes_new_out(tmp_path, monkeypatch, capsys):
    # Every checkpoint write fails, so the run removes the --out folder it created.
    out = tmp_path / "run"
    arguments = _finetune_arguments(tmp_path, out, steps=2, every=1)

    def save_fails(payload, target):
        raise RuntimeError(DISK_FULL)

    monkeypatch.setattr(train_module.torch, "save", save_fails)
    monkeypatch.delenv("GRAPHKIT_TRACEBACK", raising=False)
    assert run(arguments) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if " ERROR " in line]
    assert len(errors) == 1
    assert errors[0].endswith(
        f"finetune stopped: cannot write checkpoint {out / 'step_1.pth'} ({DISK_FULL}); "
        f"--out {out} contains no checkpoint (--checkpoint-every N writes one every N "
        "steps)"
    )
    assert not out.exists()
