"""A folder or a text file given as a KG checkpoint gets an error that names it."""

import gzip

import pytest
import torch
from graphkit.launch.cli import main

from graphkit.kg import Ultra


def test_resume_folder_names_last_file(tmp_path):
    graph = tmp_path / "triples.tsv"
    graph.write_text("a\tr\tb\nb\tr\tc\n")
    start = tmp_path / "start.pth"
    torch.manual_seed(0)
    Ultra(dim=4, num_layers=1).save(start)
    run_folder = tmp_path / "run"
    run_folder.mkdir()
    (run_folder / "last.pth").write_bytes(start.read_bytes())
    argv = ["kg", "finetune", "--checkpoint", str(start), "--graph", str(graph)]
    argv += ["--out", str(tmp_path / "out"), "--steps", "1", "--resume", str(run_folder)]
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert str(caught.value) == (
        f"--resume {run_folder} is a folder. Give a step_N.pth or last.pth file "
        f"written by an earlier run, such as {run_folder / 'last.pth'}"
    )


@pytest.mark.parametrize(
    "content",
    [b"epochs: 2\n", gzip.compress(b"not a checkpoint")],
    ids=["yaml", "gzip"],
)
def test_text_or_gzip_file_not_torch_save(tmp_path, content):
    path = tmp_path / "model.pth"
    path.write_bytes(content)
    with pytest.raises(ValueError) as caught:
        Ultra.from_pretrained(path)
    assert str(caught.value) == (
        f"{path}: not a readable checkpoint (not a file written by torch.save); "
        "download it again or give another file"
    )
