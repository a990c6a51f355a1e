"""Python ``evaluate`` warns like ``kg evaluate`` when a released checkpoint saw the graph.

The command compares the checkpoint file with the released ones, but ``evaluate``
receives only the model. ``Ultra.from_pretrained`` records which released checkpoint
it loaded, and ``load_dataset`` records ULTRA's name of the dataset folder.
"""

import logging

import pytest
import torch

from graphkit.kg import Ultra, checkpoint, evaluate, load_dataset, pretrain

from .test_kg_pretraining_graphs import write_grail

LOGGER = "graphkit.kg.evaluate"


@pytest.fixture
def released_file(tmp_path, monkeypatch):
    """A small model file registered as the released ``ultra_50g``."""
    model_file = tmp_path / "model.pth"
    torch.manual_seed(0)
    Ultra(dim=4, num_layers=1).save(model_file)
    url = checkpoint.RELEASED["ultra_50g"][0]
    monkeypatch.setitem(
        checkpoint.RELEASED, "ultra_50g", (url, checkpoint.sha256_of(model_file))
    )
    return model_file


def _warnings(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == LOGGER and record.levelno == logging.WARNING
    ]


def test_released_model_on_pretraining_graph(tmp_path, released_file, caplog):
    write_grail(tmp_path, "nell_v1")
    split = load_dataset(tmp_path, "nell_v1")
    assert split.test.pretraining_name == "NELLInductive:v1"
    model = Ultra.from_pretrained(released_file)
    assert model.released_checkpoint == "ultra_50g"
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        evaluate(model, split.test)
    assert _warnings(caplog) == [
        (
            "ultra_50g was pre-trained on nell_v1/test (ULTRA's NELLInductive:v1), so "
            "its ranks there are not zero-shot results. For a zero-shot result, "
            "evaluate ultra_3g or ultra_4g, whose pre-training graphs exclude it"
        )
    ]


def test_released_model_elsewhere_not_flagged(tmp_path, released_file, caplog):
    # GraIL splits have versions 1 to 4, so nell_v5 is no ULTRA dataset, and no
    # released checkpoint was pre-trained on it.
    write_grail(tmp_path, "nell_v5")
    split = load_dataset(tmp_path, "nell_v5")
    assert split.test.pretraining_name is None
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        evaluate(Ultra.from_pretrained(released_file), split.test)
    assert _warnings(caplog) == []


def test_other_model_not_flagged(tmp_path, caplog):
    write_grail(tmp_path, "nell_v1")
    model_file = tmp_path / "mine.pth"
    Ultra(dim=4, num_layers=1).save(model_file)
    model = Ultra.from_pretrained(model_file)
    assert model.released_checkpoint is None
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        evaluate(model, load_dataset(tmp_path, "nell_v1").test)
        evaluate(Ultra(dim=4, num_layers=1), load_dataset(tmp_path, "nell_v1").test)
    assert _warnings(caplog) == []


def test_trained_released_model_not_flagged(tmp_path, released_file, caplog):
    # Training changes the weights in place, so they are no longer the released ones.
    write_grail(tmp_path, "nell_v1")
    split = load_dataset(tmp_path, "nell_v1")
    model = Ultra.from_pretrained(released_file)
    pretrain(model, [split.train.graph], steps=1, batch_size=2)
    assert model.released_checkpoint is None
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        evaluate(model, split.test)
    assert _warnings(caplog) == []


def test_warning_can_be_left_out(tmp_path, released_file, caplog):
    write_grail(tmp_path, "nell_v1")
    model = Ultra.from_pretrained(released_file)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        evaluate(model, load_dataset(tmp_path, "nell_v1").test, warn_pretraining=False)
    assert _warnings(caplog) == []


def test_rounded_released_model_not_named(released_file):
    # .half() assigns param.data, which keeps the version counters, so only the value
    # comparison detects that the float32 weights after .float() lost their low bits.
    model = Ultra.from_pretrained(released_file).half().float()
    assert model.released_checkpoint is None


def test_lossless_cast_keeps_released_name(released_file):
    model = Ultra.from_pretrained(released_file).double()
    assert model.released_checkpoint == "ultra_50g"
    assert model.float().released_checkpoint == "ultra_50g"
    with torch.no_grad():
        model.entity_model.mlp[0].weight.mul_(2)
    assert model.released_checkpoint is None
