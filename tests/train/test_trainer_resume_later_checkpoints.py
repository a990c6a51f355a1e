"""Resuming from an older checkpoint in out warns about the later ones it keeps."""

from test_trainer import run, two_block_graph


def test_older_checkpoint_warns_about_later_ones(tmp_path, caplog):
    data = two_block_graph()
    run(data, epochs=6, out=str(tmp_path), checkpoint_every=2)
    checkpoint = tmp_path / "checkpoint_000002.pt"
    run(data, epochs=4, out=str(tmp_path), resume=str(checkpoint))
    assert (
        f"resuming from {checkpoint} at epoch 2, but {tmp_path} also contains "
        "checkpoints of later epochs from the run before this resume "
        "(checkpoint_000004.pt, checkpoint_000006.pt). This run overwrites only "
        "those of the epochs at which it writes a checkpoint, and resume='auto' "
        "continues from the newest one, which may then be the old run's "
        f"checkpoint_000006.pt. Delete them to keep one run in {tmp_path}"
    ) in caplog.text


def test_newest_checkpoint_does_not_warn(tmp_path, caplog):
    data = two_block_graph()
    run(data, epochs=4, out=str(tmp_path), checkpoint_every=2)
    newest = tmp_path / "checkpoint_000004.pt"
    run(data, epochs=6, out=str(tmp_path), resume=str(newest))
    run(data, epochs=8, out=str(tmp_path), resume="auto")
    assert "checkpoints of later epochs" not in caplog.text
