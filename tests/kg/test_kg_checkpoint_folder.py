"""A checkpoint folder (the --out of finetune) names the files inside it."""

import pytest
from graphkit.kg import Ultra


def test_folder_names_files(tmp_path):
    (tmp_path / "last.pth").write_bytes(b"x")
    (tmp_path / "step_2.pth").write_bytes(b"x")
    with pytest.raises(ValueError) as caught:
        Ultra.from_pretrained(tmp_path)
    message = str(caught.value)
    assert f"checkpoint '{tmp_path}' is a folder" in message
    assert f"{tmp_path}/last.pth, {tmp_path}/step_2.pth" in message


def test_empty_folder_says_so(tmp_path):
    with pytest.raises(ValueError, match="it contains no .pth file"):
        Ultra.from_pretrained(tmp_path)
