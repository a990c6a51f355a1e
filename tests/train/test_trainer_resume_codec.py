"""Resuming across --compression learned names the codec, not the model options."""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.distributed.compression import LearnedCodec
from graphkit.graph import LocalGraph
from graphkit.nn.models import GNN
from graphkit.train import TrainConfig, Trainer


def tiny_graph() -> Data:
    n = 8
    masks = torch.arange(n).remainder(2).eq(torch.arange(2)[:, None])
    return Data(x=torch.randn(n, 3, generator=torch.Generator().manual_seed(1)),
                y=torch.arange(n) % 2,
                edge_index=torch.stack([torch.arange(n), (torch.arange(n) + 1) % n]),
                train_mask=masks[0], val_mask=masks[1], test_mask=masks[1], num_nodes=n)


def model_with_codec() -> GNN:
    """The model as ``Compression.attach`` leaves it for a learned codec."""
    model = GNN("sage", 3, 4, 2, 2, 0.5)
    codec = LearnedCodec()
    codec.weights("0.0", 4)
    model.add_module("halo_codec", codec)
    return model


def trainer(data, model=None, **options) -> Trainer:
    config = TrainConfig(**{"epochs": 1, "hidden": 4, "metric": "accuracy", **options})
    return Trainer(config, data, LocalGraph.from_data(data), model=model)


@pytest.mark.parametrize("saved_learned", [True, False])
def test_switched_learned_codec_named(tmp_path, saved_learned):
    data = tiny_graph()
    saved, other = ("learned", "quantize") if saved_learned else ("quantize", "learned")
    first = model_with_codec() if saved_learned else None
    trainer(data, first, out=str(tmp_path), compression=saved).fit()
    checkpoint = str(tmp_path / "checkpoint_000001.pt")
    second = None if saved_learned else model_with_codec()
    with pytest.raises(ValueError) as error:
        trainer(data, second, epochs=2, resume=checkpoint, compression=other)
    message = str(error.value)
    assert f"written with compression={saved!r}" in message
    assert f"this run uses compression={other!r}" in message
    assert f"resume with compression={saved!r}" in message


def test_other_model_options_keep_their_message(tmp_path):
    data = tiny_graph()
    trainer(data, out=str(tmp_path)).fit()
    checkpoint = str(tmp_path / "checkpoint_000001.pt")
    with pytest.raises(ValueError, match="contains a different model"):
        trainer(data, epochs=2, resume=checkpoint, hidden=8)


def test_learned_codec_of_other_calls_named(tmp_path):
    data = tiny_graph()
    trainer(data, model_with_codec(), out=str(tmp_path), compression="learned").fit()
    checkpoint = str(tmp_path / "checkpoint_000001.pt")
    # A codec for two aggregation calls, as with a lower --compression-min-width.
    model = model_with_codec()
    model.halo_codec.weights("1.0", 2)
    with pytest.raises(ValueError, match="compression_min_width=16"):
        trainer(data, model, epochs=2, resume=checkpoint, compression="learned")
