"""Ranks of a released checkpoint on one of its pre-training graphs are flagged."""

import pytest

from graphkit.kg import Ultra, checkpoint
from graphkit.kg.pretraining_graphs import (
    PRETRAINING_GRAPHS,
    pretraining_note,
    released_checkpoint_name,
    ultra_dataset_name,
)

FACTS = "a\tr\tb\nb\tr\tc\nc\ts\ta\n"


def write_grail(root, name):
    for folder, parts in (
        (name, ("train", "valid")),
        (f"{name}_ind", ("train", "valid", "test")),
    ):
        (root / folder).mkdir()
        for part in parts:
            (root / folder / f"{part}.txt").write_text(FACTS)


def write_folder(root, name, files):
    (root / name).mkdir()
    for file in files:
        (root / name / file).write_text(FACTS)


def test_grail_split_names(tmp_path):
    write_grail(tmp_path, "fb237_v1")
    write_grail(tmp_path, "WN18RR_v3")
    write_grail(tmp_path, "nell_v4")
    write_grail(tmp_path, "fb237_v5")
    assert ultra_dataset_name(tmp_path, "fb237_v1") == "FB15k237Inductive:v1"
    assert ultra_dataset_name(tmp_path, "fb237_v1_ind") == "FB15k237Inductive:v1"
    assert ultra_dataset_name(tmp_path, "WN18RR_v3") == "WN18RRInductive:v3"
    assert ultra_dataset_name(tmp_path, "nell_v4") == "NELLInductive:v4"
    assert ultra_dataset_name(tmp_path, "fb237_v5") is None


def test_grail_inference_half_alone(tmp_path):
    write_folder(tmp_path, "fb237_v1_ind", ["train.txt", "valid.txt", "test.txt"])
    write_folder(tmp_path, "nell_v5_ind", ["train.txt", "valid.txt", "test.txt"])
    assert ultra_dataset_name(tmp_path, "fb237_v1_ind") == "FB15k237Inductive:v1"
    assert ultra_dataset_name(tmp_path, "nell_v5_ind") is None
    # A name without a folder on disk matches no ULTRA dataset.
    assert ultra_dataset_name(tmp_path, "wn18rr_v2_ind") is None


def test_grail_training_half_alone(tmp_path):
    write_folder(tmp_path, "fb237_v1", ["train.txt", "valid.txt", "test.txt"])
    write_folder(tmp_path, "nell_v5", ["train.txt", "valid.txt", "test.txt"])
    assert ultra_dataset_name(tmp_path, "fb237_v1") == "FB15k237Inductive:v1"
    assert ultra_dataset_name(tmp_path, "nell_v5") is None
    # A name without a folder on disk matches no ULTRA dataset.
    assert ultra_dataset_name(tmp_path, "wn18rr_v2") is None


def test_ilpc_and_transductive_names(tmp_path):
    write_folder(
        tmp_path,
        "small",
        [
            "train.txt",
            "inference.txt",
            "inference_validation.txt",
            "inference_test.txt",
        ],
    )
    write_folder(tmp_path, "NL-25", ["train.txt", "msg.txt", "valid.txt", "test.txt"])
    for name in ("codex-s", "FB15k-237", "my_graph"):
        write_folder(tmp_path, name, ["train.txt", "valid.txt", "test.txt"])
    assert ultra_dataset_name(tmp_path, "small") == "ILPC2022:small"
    assert ultra_dataset_name(tmp_path, "NL-25") is None
    assert ultra_dataset_name(tmp_path, "codex-s") == "CoDExSmall"
    assert ultra_dataset_name(tmp_path, "FB15k-237") == "FB15k237"
    assert ultra_dataset_name(tmp_path, "my_graph") is None


def test_released_name_by_checksum(tmp_path, monkeypatch):
    released = tmp_path / "renamed.pth"
    released.write_bytes(b"released weights")
    other = tmp_path / "other.pth"
    other.write_bytes(b"fine-tuned weights")
    url = checkpoint.RELEASED["ultra_50g"][0]
    monkeypatch.setitem(
        checkpoint.RELEASED, "ultra_50g", (url, checkpoint.sha256_of(released))
    )
    assert released_checkpoint_name(released) == "ultra_50g"
    assert released_checkpoint_name(other) is None
    assert released_checkpoint_name("ultra_3g") == "ultra_3g"
    assert released_checkpoint_name("https://host/ckpts/ultra_4g.pth") == "ultra_4g"
    assert released_checkpoint_name("https://host/ckpts/mine.pth") is None


def test_note_names_zero_shot_checkpoints(tmp_path):
    write_grail(tmp_path, "fb237_v2")
    write_folder(tmp_path, "fb15k237", ["train.txt", "valid.txt", "test.txt"])
    note = pretraining_note("ultra_50g", tmp_path, "fb237_v2")
    assert note == (
        "ultra_50g was pre-trained on fb237_v2 (ULTRA's FB15k237Inductive:v2), so its "
        "ranks there are not zero-shot results. For a zero-shot result, evaluate "
        "ultra_3g or ultra_4g, whose pre-training graphs exclude it"
    )
    assert pretraining_note("ultra_3g", tmp_path, "fb237_v2") is None
    assert pretraining_note("ultra_3g", tmp_path, "fb15k237").endswith(
        "Every released checkpoint was pre-trained on it"
    )


def test_graph_lists_nest():
    assert PRETRAINING_GRAPHS["ultra_3g"] < PRETRAINING_GRAPHS["ultra_4g"]
    assert PRETRAINING_GRAPHS["ultra_4g"] < PRETRAINING_GRAPHS["ultra_50g"]
    assert len(PRETRAINING_GRAPHS["ultra_50g"]) == 27


@pytest.mark.parametrize("released", [True, False])
def test_cli_evaluate_warns_if_released(tmp_path, monkeypatch, capsys, released):
    from graphkit.launch.cli import main

    write_grail(tmp_path, "nell_v1")
    model_file = tmp_path / "model.pth"
    Ultra(dim=4, num_layers=1).save(model_file)
    if released:
        url = checkpoint.RELEASED["ultra_50g"][0]
        monkeypatch.setitem(
            checkpoint.RELEASED, "ultra_50g", (url, checkpoint.sha256_of(model_file))
        )
    argv = ["kg", "evaluate", "--checkpoint", str(model_file), "--root", str(tmp_path)]
    assert main(argv + ["--dataset", "nell_v1"]) == 0
    # The command replaces the root logger's handlers with one that writes to stderr,
    # so the warning is read from capsys, not caplog.
    err = capsys.readouterr().err
    flagged = [line for line in err.splitlines() if "not zero-shot" in line]
    if released:
        assert len(flagged) == 1
        assert (
            " WARNING graphkit.launch.kg_evaluate: ultra_50g was pre-trained on "
            "nell_v1 (ULTRA's NELLInductive:v1), so its ranks there are not "
            "zero-shot results. For a zero-shot result, evaluate ultra_3g or "
            "ultra_4g, whose pre-training graphs exclude it" in flagged[0]
        )
    else:
        assert flagged == []


def test_cli_finetune_evaluate_warns(tmp_path, monkeypatch, capsys):
    from graphkit.launch.cli import main

    write_grail(tmp_path, "WN18RR_v2")
    model_file = tmp_path / "model.pth"
    Ultra(dim=4, num_layers=1).save(model_file)
    url = checkpoint.RELEASED["ultra_4g"][0]
    monkeypatch.setitem(
        checkpoint.RELEASED, "ultra_4g", (url, checkpoint.sha256_of(model_file))
    )
    write_folder(tmp_path, "wn18rr", ["train.txt", "valid.txt", "test.txt"])
    argv = ["kg", "finetune", "--checkpoint", str(model_file), "--root", str(tmp_path)]
    argv += ["--dataset", "WN18RR_v2", "--dataset", "wn18rr", "--evaluate"]
    argv += ["--out", str(tmp_path / "run"), "--steps", "1", "--batch-size", "2"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    flagged = [line for line in err.splitlines() if "not zero-shot" in line]
    # ultra_4g was pre-trained on the transductive WN18RR, not on the GraIL split.
    assert len(flagged) == 1
    assert "ultra_4g was pre-trained on wn18rr (ULTRA's WN18RR)" in flagged[0]
    assert flagged[0].endswith("Every released checkpoint was pre-trained on it")


def test_cli_list_names_pretrained_checkpoints(tmp_path, capsys):
    from graphkit.launch.cli import main

    write_grail(tmp_path, "nell_v2")
    write_folder(tmp_path, "FB15k-237", ["train.txt", "valid.txt", "test.txt"])
    write_folder(tmp_path, "mine", ["train.txt", "valid.txt", "test.txt"])
    assert main(["kg", "list", "--root", str(tmp_path)]) == 0
    lines = {
        line.split()[0]: line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("  ")
    }
    assert lines["nell_v2"].endswith(
        "GraIL split (nell_v2/ and nell_v2_ind/), a pre-training graph of ultra_50g, "
        "whose ranks on it are not zero-shot"
    )
    assert lines["FB15k-237"].endswith(
        "a pre-training graph of ultra_3g, ultra_4g and ultra_50g, whose ranks on it "
        "are not zero-shot"
    )
    assert lines["mine"].endswith("transductive (train/valid/test.txt)")
