"""kg evaluate prints its results before a failed --json write, then reports the write
in one line and exits 1."""

import torch
from graphkit.launch.cli import run

import graphkit.kg

from .test_kg_query_names import write_files

ROWS = ["a\tr\tb", "b\tr\tc", "c\ts\ta"]


def test_json_write_failure_keeps_results(tmp_path, monkeypatch, capsys):
    write_files(tmp_path / "kg" / "toy", train=ROWS, valid=ROWS[:1], test=ROWS[1:])
    torch.manual_seed(0)
    checkpoint = tmp_path / "model.pth"
    graphkit.kg.Ultra(dim=8, num_layers=1).save(checkpoint)
    folder = tmp_path / "out"
    folder.mkdir()
    evaluate = graphkit.kg.evaluate

    def evaluate_then_break_folder(*args, **kwargs):
        # The start-up check has passed, so the folder breaks during the run.
        metrics = evaluate(*args, **kwargs)
        folder.rmdir()
        folder.write_text("a file in place of the folder")
        return metrics

    monkeypatch.setattr(graphkit.kg, "evaluate", evaluate_then_break_folder)
    monkeypatch.delenv("GRAPHKIT_TRACEBACK", raising=False)
    out = folder / "metrics.json"
    arguments = ["kg", "evaluate", "--checkpoint", str(checkpoint), "--dataset", "toy"]
    arguments += ["--root", str(tmp_path / "kg"), "--json", str(out)]
    code = run(arguments)
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out.startswith("toy (test, 4 ranks): MRR ")
    errors = [line for line in captured.err.splitlines() if " ERROR " in line]
    assert len(errors) == 1
    assert errors[0].endswith(
        f"cannot write --json {out} (Not a directory); the results are printed above"
    )
    assert "Traceback" not in captured.err
    assert folder.read_text() == "a file in place of the folder"
