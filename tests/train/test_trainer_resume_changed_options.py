"""Resuming with another model kind, residual setting or optimizer raises.

Each of these options leaves the checkpoint's weights and optimizer state loadable,
so without the check the resumed run would silently train another model.
"""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.option_names import command_line_options
from graphkit.train import TrainConfig, Trainer


def tiny_data():
    n = 8
    edge_index = torch.stack([torch.arange(n), (torch.arange(n) + 1) % n])
    split = torch.arange(n) % 4
    return Data(x=torch.randn(n, 3, generator=torch.Generator().manual_seed(0)),
                y=torch.arange(n) % 3, edge_index=edge_index,
                train_mask=split < 2, val_mask=split == 2, test_mask=split == 3,
                num_nodes=n)  # fmt: skip


def trainer(out, **options):
    data = tiny_data()
    config = TrainConfig(hidden=4, layers=3, out=str(out), **options)
    return Trainer(config, data, LocalGraph.from_data(data))


@pytest.mark.parametrize(
    ("name", "saved", "used"),
    [
        ("model", "sage", "sage-max"),
        ("model", "sage-max", "sage"),
        ("residual", False, True),
        ("optimizer", "adamw", "adam"),
        ("optimizer", "adam", "adamw"),
    ],
)
def test_resume_changed_option_rejected(tmp_path, name, saved, used):
    trainer(tmp_path, epochs=1, **{name: saved}).fit()
    checkpoint = tmp_path / "checkpoint_000001.pt"
    with pytest.raises(ValueError) as caught:
        trainer(tmp_path, epochs=2, resume=str(checkpoint), **{name: used})
    assert str(caught.value) == (
        f"checkpoint {checkpoint} was written with {name}={saved!r}, but this run "
        f"uses {name}={used!r}. Resume with {name}={saved!r}, or start a new run"
    )


def test_resume_same_options_accepted(tmp_path):
    options = {"model": "sage-max", "residual": True, "optimizer": "adamw"}
    trainer(tmp_path, epochs=1, **options).fit()
    resumed = trainer(tmp_path, epochs=2, resume="auto", **options)
    assert resumed.epoch == 1
    assert resumed.optimizer.param_groups[0]["decoupled_weight_decay"] is True


@pytest.mark.parametrize(
    ("saved", "used", "saved_text", "used_text"),
    [
        (0, 1, "split=0", "split=1"),
        (None, 0, "split unset", "split=0"),
        (2, None, "split=2", "split unset"),
    ],
)
def test_resume_other_split_rejected(tmp_path, saved, used, saved_text, used_text):
    # A loop over splits that shares one out folder with resume="auto" would
    # otherwise report the first split's finished run for every later split.
    trainer(tmp_path, epochs=2, split=saved).fit()
    checkpoint = tmp_path / "checkpoint_000002.pt"
    with pytest.raises(ValueError) as caught:
        trainer(tmp_path, epochs=2, resume="auto", split=used)
    assert str(caught.value) == (
        f"checkpoint {checkpoint} was written with {saved_text}, but this run uses "
        f"{used_text}. Resume with {saved_text}, or start a new run"
    )


def test_resume_other_split_seed_rejected(tmp_path):
    # The split seed of an edge list or a synthetic graph is a dataset option.
    trainer(tmp_path, epochs=2, dataset_options={"seed": 1}).fit()
    checkpoint = tmp_path / "checkpoint_000002.pt"
    with pytest.raises(ValueError) as caught:
        trainer(tmp_path, epochs=2, resume="auto", dataset_options={"seed": 2})
    assert str(caught.value) == (
        f"checkpoint {checkpoint} was written with dataset_options={{'seed': 1}}, but "
        "this run uses dataset_options={'seed': 2}, which may select another graph or "
        "split. Resume with the checkpoint's dataset_options, or start a new run"
    )


def test_resume_other_file_spelling_accepted(tmp_path):
    # File options may name the same file another way, so they are not compared.
    saved = {"features": "x.csv", "train_fraction": 0.5}
    trainer(tmp_path, epochs=1, dataset_options=saved).fit()
    used = {"features": str(tmp_path / "x.csv"), "train_fraction": 0.5}
    resumed = trainer(tmp_path, epochs=2, resume="auto", dataset_options=used)
    assert resumed.epoch == 1


@pytest.mark.parametrize(
    ("saved", "used"),
    [({}, {"seed": 0}), ({"seed": 0, "num_nodes": 20000}, {}), ({"homophily": 0.7}, {})],
)
def test_resume_with_default_option_accepted(tmp_path, saved, used):
    # An option written out with the loader's default (synthetic here) selects the
    # same graph as a missing one.
    trainer(tmp_path, epochs=1, dataset_options=saved).fit()
    resumed = trainer(tmp_path, epochs=2, resume="auto", dataset_options=used)
    assert resumed.epoch == 1


def test_resume_non_default_option_rejected(tmp_path):
    trainer(tmp_path, epochs=1).fit()
    with pytest.raises(ValueError, match="which may select another graph"):
        trainer(tmp_path, epochs=2, resume="auto", dataset_options={"seed": 1})


def test_resume_with_partitions_ignores_dataset_options(tmp_path):
    trainer(tmp_path, epochs=1, dataset_options={"seed": 1}).fit()
    resumed = trainer(tmp_path, epochs=2, resume="auto", partitions="parts",
                      dataset_options={"seed": 2})  # fmt: skip
    assert resumed.epoch == 1


def test_resume_without_download_accepted(tmp_path):
    # The download option only fetches missing files, so a first run that downloaded
    # the dataset resumes without it.
    trainer(tmp_path, epochs=1, dataset_options={"download": True, "seed": 1}).fit()
    resumed = trainer(tmp_path, epochs=2, resume="auto", dataset_options={"seed": 1})
    assert resumed.epoch == 1


def test_resume_unset_split_cli_hint(tmp_path):
    # The command line has no value for an unset split, so the fix leaves --split out.
    trainer(tmp_path, epochs=2).fit()
    checkpoint = tmp_path / "checkpoint_000002.pt"
    with command_line_options(), pytest.raises(ValueError) as caught:
        trainer(tmp_path, epochs=2, resume="auto", split=0)
    assert str(caught.value) == (
        f"checkpoint {checkpoint} was written with --split unset, but this run uses "
        "--split 0. Resume without --split, or start a new run"
    )
