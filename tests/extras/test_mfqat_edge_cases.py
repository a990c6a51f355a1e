"""MX fake quantization in MF-QAT: empty batches, block layout, STE, element codes."""

from __future__ import annotations

import math
from random import Random

import pytest
import torch
from graphkit.extras.common.quant import (
    ELEMENT_FORMATS,
    mx_encode,
    quantize_element,
    quantize_mx,
    quantize_mx_ste,
    slice_and_scale,
)
from graphkit.extras.efficient import mfqat
from graphkit.extras.efficient.mfqat import MXLinear


def test_quantize_mx_empty_batch():
    for shape in [(0, 64), (0, 40), (4, 0)]:
        empty = torch.zeros(shape)
        assert quantize_mx(empty, "mxint8").shape == shape
        assert quantize_mx_ste(empty, "mxfp4_e2m1").shape == shape
    assert mx_encode(torch.zeros(0, 40), "mxint4").elements.shape == (0, 2, 32)


def test_mx_linear_empty_batch():
    layer = MXLinear(40, 3, quantize_input=True)
    layer.fmt = "mxint4"
    assert layer(torch.zeros(0, 40)).shape == (0, 3)
    layer.weight_anchor = "mxint8"
    assert layer(torch.zeros(0, 40)).shape == (0, 3)


def test_blocks_stay_within_rows():
    # 40 columns give blocks 0..31 and 32..39 (zero-padded) in every row. A large value
    # in row 0, column 39 may change only that row's second block.
    x = torch.full((2, 40), 0.3)
    x[0, 39] = 100.0
    out = quantize_mx(x, "mxint4")
    alone = quantize_mx(torch.full((1, 40), 0.3), "mxint4")
    assert torch.equal(out[1], alone[0])
    assert torch.equal(out[0, :32], alone[0, :32])
    # The shared scale of that block is 2**6 (from 100), and int4 elements keep two
    # fraction bits: 100 / 64 rounds to 1.5, so 96, and 0.3 / 64 rounds to zero.
    assert out[0, 32:39].tolist() == [0.0] * 7
    assert out[0, 39].item() == 96.0


def test_mx_linear_ste_gradient():
    torch.manual_seed(0)
    layer = MXLinear(40, 3, quantize_input=True)
    layer.fmt = "mxint4"
    x = torch.randn(5, 40)
    layer(x).square().sum().backward()
    # The STE passes the gradient of y = x_q W_q^T + b to W unchanged.
    w_q = quantize_mx(layer.weight.detach(), "mxint4").requires_grad_()
    x_q = quantize_mx(x, "mxint4")
    torch.nn.functional.linear(x_q, w_q, layer.bias.detach()).square().sum().backward()
    torch.testing.assert_close(layer.weight.grad, w_q.grad)


@pytest.mark.parametrize(
    "name", [n for n, f in ELEMENT_FORMATS.items() if f.kind == "fp"]
)
def test_every_fp_element_code_round_trips(name):
    fmt = ELEMENT_FORMATS[name]
    exponent_bits = fmt.bits - 1 - fmt.mantissa_bits
    bias = 1 - fmt.min_exp
    steps = 2**fmt.mantissa_bits
    values = []
    for exponent in range(2**exponent_bits):
        for mantissa in range(steps):
            if exponent == 0:
                value = mantissa / steps * 2.0**fmt.min_exp  # subnormal
            else:
                value = (1 + mantissa / steps) * 2.0 ** (exponent - bias)
            if value <= fmt.max_normal:
                values.append(value)
    codes = torch.tensor(values + [-v for v in values])
    assert torch.equal(quantize_element(codes, fmt), codes)
    # Just above each midpoint between neighbors, rounding goes to the upper one.
    grid = torch.tensor(sorted(set(values)))
    above = torch.nextafter((grid[1:] + grid[:-1]) / 2, torch.tensor(math.inf))
    assert torch.equal(quantize_element(above, fmt), grid[1:])


def _recorded_formats(monkeypatch, mode: str, calls: int) -> list[str]:
    chosen: list[str] = []
    monkeypatch.setattr(mfqat, "set_format", lambda model, fmt: chosen.append(fmt))
    loss_fn = mfqat._multi_format_loss(("mxint8", "mxint4", "mxint2"), mode, Random(0))
    model = torch.nn.Linear(2, 3)
    x, y = torch.zeros(1, 2), torch.zeros(1, dtype=torch.long)
    for _ in range(calls):
        loss_fn(model, x, y)
    return chosen


def test_multi_format_sum_uses_every_format(monkeypatch):
    chosen = _recorded_formats(monkeypatch, "sum", calls=2)
    assert chosen == ["mxint8", "mxint4", "mxint2"] * 2


def test_multi_format_sample_is_uniform(monkeypatch):
    chosen = _recorded_formats(monkeypatch, "sample", calls=600)
    assert len(chosen) == 600
    # One format per step. Each count is near 200, within 4 standard deviations.
    for fmt in ("mxint8", "mxint4", "mxint2"):
        assert abs(chosen.count(fmt) - 200) < 4 * (600 * (1 / 3) * (2 / 3)) ** 0.5


def test_block_max_saturates_after_rounding():
    # The block max 127.9999 sets the shared scale 2^(6 - 15). Scaled, it rounds up to
    # 2^16, past the E5M2 max normal 57344, so it saturates there: 57344 / 2^9 = 112.
    x = torch.tensor([float(i) for i in range(1, 32)] + [127.9999])
    out = quantize_mx(x, "mxfp8_e5m2")
    assert out[-1].item() == 112.0
    assert out[:8].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    assert out[8].item() == 8.0  # 9 is a tie between 8 and 10 and goes to even


def test_config_rejects_repeated_train_format():
    # Both arms would be summed under spec_mxint8, doubling its mean accuracy.
    with pytest.raises(ValueError, match="repeats mxint8"):
        mfqat.Config(train_formats=("mxint8", "mxint4", "mxint8"))


def test_config_rejects_unevaluated_train_format():
    # The criteria read acc_spec_mxint2_mxint2, which only an evaluation at mxint2 makes.
    with pytest.raises(ValueError, match="mxint2 missing from eval_formats"):
        mfqat.Config(eval_formats=("mxint8", "mxint4"))


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16, torch.float64])
def test_mx_linear_slice_and_scale_keeps_dtype(dtype):
    torch.manual_seed(0)
    layer = MXLinear(40, 3, quantize_input=True).to(dtype)
    layer.fmt = "mxint4"
    layer.weight_anchor = "mxint8"
    x = torch.randn(5, 40, dtype=dtype)
    out = layer(x)
    assert out.dtype == dtype
    anchor = mx_encode(layer.weight.detach(), "mxint8")
    weight = slice_and_scale(anchor, "mxint4").decode().to(dtype)
    expected = torch.nn.functional.linear(
        quantize_mx(x, "mxint4"), weight, layer.bias.detach()
    )
    assert torch.equal(out.detach(), expected)


def test_build_mlp_pixel_input_unquantized():
    # Only the first layer reads the pixels, so only its input stays unquantized.
    layers = [m for m in mfqat.build_mlp((8, 8), 32) if isinstance(m, MXLinear)]
    assert [layer.quantize_input for layer in layers] == [False, True, True]


def test_run_averages_seeds_and_margin(monkeypatch):
    # Stand-ins: a "model" is (arm, seed), and its accuracy at a key is a base value
    # per arm plus 10 * seed, so the mean over seeds 0 and 1 is base + 5.
    base = {
        "fp32": {"mxint2": 72.0},
        "mxint2": {"mxint2": 90.0},
        "mxint8": {"mxint2": 70.0},
        "mf": {"mxint2": 80.0},
    }

    def evaluate(model, config, data):
        arm, seed = model
        keys = ("mxint8", "mxint8_sas", "mxint2", "mxint2_sas", "fp32")
        return {key: base[arm].get(key, 50.0) + 10 * seed for key in keys}

    monkeypatch.setattr(mfqat, "load_digits_split", lambda: None)
    monkeypatch.setattr(mfqat, "_train_arm", lambda arm, c, d, seed: (arm, seed))
    monkeypatch.setattr(mfqat, "_evaluate", evaluate)
    monkeypatch.setattr(
        mfqat, "_mismatch_rates", lambda m, c: {"sas_mismatch_mxint2": 0.25}
    )
    config = mfqat.Config(
        train_formats=("mxint8", "mxint2"), eval_formats=("mxint8", "mxint2")
    )
    metrics = mfqat.run(config)
    assert metrics["acc_mf_mxint2"] == 85.0
    assert metrics["acc_spec_mxint8_mxint2"] == 75.0
    # The mismatch rate comes from the first seed only, so it is not averaged.
    assert metrics["sas_mismatch_mxint2"] == 0.25
    # MF-QAT at mxint2 against the better of the 8-bit specialist (75) and FP32 (77).
    assert metrics["mf_margin_lowest_format"] == 8.0


def test_mismatch_rate_counts_elements():
    # 255 * 2^-127 is the value whose E4M3 anchor rounds up to the next binade, so
    # its E2M1 slice decodes to 4 * 2^-121 and direct E2M1 to 6 * 2^-122. With that
    # value in both rows, 2 of the 64 weights differ, and the zeros match.
    layer = MXLinear(32, 2, quantize_input=False)
    with torch.no_grad():
        layer.weight.zero_()
        layer.weight[:, 0] = 255 * 2.0**-127
    config = mfqat.Config(
        train_formats=("mxfp4_e2m1",),
        eval_formats=("mxfp4_e2m1",),
        anchor_format="mxfp8_e4m3",
    )
    rates = mfqat._mismatch_rates(torch.nn.Sequential(layer), config)
    assert rates == {"sas_mismatch_mxfp4_e2m1": 2 / 64}
