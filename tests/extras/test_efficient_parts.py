"""Small parts of the efficient-inference experiments: token selection, edit distance,
sign weights, shifted ReLU and MX linear layers."""

from __future__ import annotations

import math

import torch
from graphkit.extras.efficient import eas, mfqat, onebit


def test_select_tokens_keeps_time_order():
    scores = torch.tensor([[0.1, 0.9, 0.3, 0.8, 0.05], [5.0, 4.0, 3.0, 2.0, 1.0]])
    kept = eas.select_tokens(scores, 3)
    assert kept.tolist() == [[1, 2, 3], [0, 1, 2]]


def test_edit_distance_and_error_rate():
    assert eas.edit_distance([1, 2, 3], [1, 2, 3]) == 0
    assert eas.edit_distance([1, 3], [1, 2, 3]) == 1
    assert eas.edit_distance([], [4, 5]) == 2
    assert eas.edit_distance([3, 2, 1], [1, 2, 3]) == 2
    assert eas.token_error_rate([[1, 3], [7]], [[1, 2, 3], [7]]) == 25.0


def test_pruned_encoder_uses_attention_received():
    config = eas.Config.smoke()
    model = eas.Transcriber(config).eval()
    x = torch.randn(2, config.frames, config.features)
    with torch.no_grad():
        memory, kept = model.encode(x, prune_layer=1, sparsity=0.5)
        hidden = model.input(x) + model.positions
        _, probs = model.encoder[0](hidden, need_weights=True)
    expected = eas.select_tokens(probs.sum(dim=(1, 2)), math.ceil(0.5 * config.frames))
    assert torch.equal(kept, expected)
    assert memory.shape == (2, config.frames // 2, config.width)


def test_onebit_weights_single_magnitude():
    model = onebit.build_resnet(width=4, blocks=2, binary=True, batch_norm=False)
    layers = onebit.deployed_magnitudes(model)
    assert len(layers) == 1 + 2 * 2 + 1  # stem, two convs per block, class conv
    stem = next(m for m in model.modules() if isinstance(m, onebit.BinaryConv2d))
    assert stem.alpha == math.sqrt(2.0 / 9.0)
    for values, alpha in layers:
        assert values == {alpha}
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())


def test_shifted_relu():
    out = onebit.ShiftedReLU()(torch.tensor([-3.0, -1.0, -0.5, 2.0]))
    assert out.tolist() == [-1.0, -1.0, -0.5, 2.0]


def test_mx_linear_fp32_and_quantized():
    torch.manual_seed(0)
    model = mfqat.build_mlp((64,), block_size=32)
    x = torch.randn(5, 64)
    reference = model(x)
    mfqat.set_format(model, "mxint8")
    quantized = model(x)
    assert not torch.equal(quantized, reference)
    assert torch.allclose(quantized, reference, atol=0.05)
    mfqat.set_format(model, "mxint8", weight_anchor="mxint8")
    assert torch.equal(model(x), quantized)  # slicing MXINT8 to itself is exact
    mfqat.set_format(model, None)
    assert torch.equal(model(x), reference)
