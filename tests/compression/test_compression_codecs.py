"""Round-trip error bounds, unbiasedness and gradient maps of each halo codec."""

import math

import pytest
import torch
from graphkit.distributed.compression import (
    CodeContext,
    LearnedCodec,
    QuantizeCodec,
    RandomProjectionCodec,
    SubsampleCodec,
    bits_for_ratio,
    make_codec,
)
from graphkit.distributed.compression.projection import random_orthonormal
from graphkit.distributed.compression.quantize import pack, unpack
from graphkit.distributed.compression.subsample import kept_rows


def context(ratio: float, seed: int = 3, tensor: int = 0) -> CodeContext:
    return CodeContext(ratio, seed, tensor, f"0.{tensor}")


def round_trip(codec, x, ctx):
    payload = codec.encode(x, ctx)
    spec = codec.payload_spec(x.size(0), x.size(1), ctx)
    assert [tuple(p.shape) for p in payload] == [shape for shape, _ in spec]
    return codec.decode(payload, x.size(0), x.size(1), ctx), payload


def wire_bytes(payload) -> int:
    return sum(p.numel() * p.element_size() for p in payload)


# Random projection --------------------------------------------------------------------
def test_projection_matrix_fixed_or_resampled():
    x = torch.randn(5, 32, generator=torch.Generator().manual_seed(2))
    fixed, resampled = (
        RandomProjectionCodec(seed=1),
        RandomProjectionCodec(resample=True),
    )
    # Fixed: the same matrix for every transfer of a call, nested across ratios.
    z_a, z_b = fixed.encode(x, context(4, seed=1)), fixed.encode(x, context(4, seed=2))
    assert torch.equal(z_a[0], z_b[0])
    wide = fixed._matrix(32, context(2), torch.float32)
    assert torch.equal(wide[:, :8], fixed._matrix(32, context(4), torch.float32))
    # The products may differ in the last bit: BLAS picks its kernel by output width.
    torch.testing.assert_close(fixed.encode(x, context(2))[0][:, :8], z_a[0])
    assert not torch.equal(fixed.encode(x, CodeContext(4, 1, 0, "1.0"))[0], z_a[0])
    # Resampled: a new matrix for every transfer seed.
    r_a, r_b = (
        resampled.encode(x, context(4, seed=1)),
        resampled.encode(x, context(4, seed=2)),
    )
    assert not torch.equal(r_a[0], r_b[0])


def test_projection_matrix_per_tensor():
    # Tensors of one transfer (GAT's values and scores) get matrices of their own,
    # fixed or resampled.
    for codec in (RandomProjectionCodec(seed=1), RandomProjectionCodec(resample=True)):
        first = codec._matrix(32, context(4, seed=1, tensor=0), torch.float32)
        second = codec._matrix(32, context(4, seed=1, tensor=1), torch.float32)
        assert not torch.equal(first, second), repr(codec)


def test_orthonormal_columns_and_seed():
    p = random_orthonormal(64, 16, seed=5)
    torch.testing.assert_close(p.T @ p, torch.eye(16), atol=1e-5, rtol=0)
    assert torch.equal(p, random_orthonormal(64, 16, seed=5))
    assert not torch.equal(p, random_orthonormal(64, 16, seed=6))


@pytest.mark.parametrize("ratio", [2, 4, 8, 16])
def test_projection_round_trip_bound(ratio):
    x = torch.randn(200, 64, generator=torch.Generator().manual_seed(0))
    codec = RandomProjectionCodec()
    x_hat, payload = round_trip(codec, x, context(ratio))
    assert wire_bytes(payload) == 200 * (64 // ratio) * 4
    error = (x - x_hat).pow(2).sum(1)
    # Orthogonal projection: error = |x|^2 - |x_hat|^2 <= |x|^2, exactly per row.
    assert bool((error <= x.pow(2).sum(1) * (1 + 1e-5)).all())
    torch.testing.assert_close(
        error, x.pow(2).sum(1) - x_hat.pow(2).sum(1), atol=1e-3, rtol=1e-4
    )
    # Projecting twice changes nothing.
    again, _ = round_trip(codec, x_hat, context(ratio))
    torch.testing.assert_close(again, x_hat, atol=1e-5, rtol=1e-5)


def test_projection_expected_error_over_seeds():
    # E |x - x_hat|^2 = (1 - k / F) |x|^2 for a uniformly random k-dim subspace.
    x = torch.randn(1, 32, generator=torch.Generator().manual_seed(1))
    errors = [
        (x - round_trip(RandomProjectionCodec(seed=s), x, context(4))[0]).pow(2).sum()
        for s in range(1000)
    ]
    mean = torch.stack(errors).mean() / x.pow(2).sum()
    assert abs(float(mean) - (1 - 8 / 32)) < 0.02


def unbiased_projection(seed: int = 0) -> RandomProjectionCodec:
    return RandomProjectionCodec(seed, resample=True, unbiased=True)


@pytest.mark.parametrize("ratio", [2, 4])
def test_projection_unbiased_over_seeds(ratio):
    x = torch.randn(3, 32, generator=torch.Generator().manual_seed(9))
    codec = unbiased_projection()
    draws = torch.stack(
        [round_trip(codec, x, context(ratio, seed=s))[0] for s in range(2000)]
    )
    # E[P P^T] = (k / F) I for a uniformly random k-dim subspace, so the F / k scale
    # makes the mean exact. Per draw, E|x_hat - x|^2 = (F / k - 1) |x|^2.
    scale = 32 / (32 // ratio)
    norms = x.pow(2).sum(1)
    errors = (draws - x).pow(2).sum(2).mean(0)
    torch.testing.assert_close(
        errors / norms, torch.full((3,), scale - 1), atol=0.1, rtol=0
    )
    entry_std = math.sqrt((scale - 1) * float(norms.max()) / 32 / 2000)
    assert float((draws.mean(0) - x).abs().max()) < 5 * entry_std
    # Without the scale, a resampled projection shrinks x to (k / F) x on average.
    biased = RandomProjectionCodec(resample=True)
    shrunk = torch.stack(
        [round_trip(biased, x, context(ratio, seed=s))[0] for s in range(2000)]
    ).mean(0)
    torch.testing.assert_close(shrunk, x / scale, atol=5 * entry_std, rtol=0)


def test_projection_gradient_unbiased_over_seeds():
    g = torch.randn(2, 16, generator=torch.Generator().manual_seed(10))
    codec = unbiased_projection()
    draws = torch.stack(
        [
            codec.decode_grad(
                codec.encode_grad(g, None, context(2, seed=s)), g, context(2, seed=s)
            )
            for s in range(2000)
        ]
    )
    entry_std = math.sqrt(float(g.pow(2).sum(1).max()) / 16 / 2000)
    assert float((draws.mean(0) - g).abs().max()) < 5 * entry_std


@pytest.mark.parametrize("ratio", [1.5, 2, 4, 8])
def test_unbiased_projection_round_trip_bound(ratio):
    x = torch.randn(200, 64, generator=torch.Generator().manual_seed(11))
    x_hat, payload = round_trip(unbiased_projection(), x, context(ratio))
    k = math.ceil(64 / ratio)
    assert wire_bytes(payload) == 200 * k * 4
    # |x_hat - x|^2 = |x|^2 + s (s - 2) |x P|^2 with s = F / k and |x P| <= |x|.
    scale = 64 / k
    error = (x - x_hat).pow(2).sum(1)
    bound = max(1.0, (scale - 1) ** 2) * x.pow(2).sum(1)
    assert bool((error <= bound * (1 + 1e-5)).all())
    torch.testing.assert_close(
        error,
        x.pow(2).sum(1) + (1 - 2 / scale) * x_hat.pow(2).sum(1),
        atol=1e-3,
        rtol=1e-4,
    )


# Quantization --------------------------------------------------------------------------
@pytest.mark.parametrize("bits", [8, 4, 2])
def test_pack_unpack_inverse(bits):
    q = torch.randint(0, 1 << bits, (5, 13), generator=torch.Generator().manual_seed(2))
    packed = pack(q, bits)
    assert packed.shape == (5, math.ceil(13 * bits / 8))
    assert torch.equal(unpack(packed, bits, 13).long(), q)


def test_bits_for_ratio():
    assert [bits_for_ratio(c) for c in (1.5, 2, 4, 5, 8, 12, 16, 64)] == [
        8,
        8,
        8,
        4,
        4,
        2,
        2,
        2,
    ]


@pytest.mark.parametrize("bits", [8, 4, 2])
def test_quantize_error_below_one_step(bits):
    x = torch.randn(100, 40, generator=torch.Generator().manual_seed(3)) * 5
    codec = QuantizeCodec()
    x_hat, payload = round_trip(codec, x, context(32 / bits))
    assert wire_bytes(payload) == 100 * (math.ceil(40 * bits / 8) + 8)
    step = (x.max(1).values - x.min(1).values) / ((1 << bits) - 1)
    assert bool(((x - x_hat).abs() < step[:, None] * (1 + 1e-5)).all())


def test_quantize_constant_row_exact():
    x = torch.full((2, 20), 1.25)
    x_hat, _ = round_trip(QuantizeCodec(), x, context(16))
    assert torch.equal(x_hat, x)


@pytest.mark.parametrize("bits", [8, 4, 2])
def test_quantize_row_wider_than_float32_max(bits):
    # max - min = 6e38 overflows float32, so a float32 range would decode to NaN.
    x = torch.tensor([[-3e38, 3e38, 0.0, 1.0, -1e38, 2e38] * 3])
    x_hat, _ = round_trip(QuantizeCodec(), x, context(32 / bits))
    assert bool(torch.isfinite(x_hat).all())
    step = 6e38 / ((1 << bits) - 1)
    assert float((x.double() - x_hat.double()).abs().max()) < step * (1 + 1e-5)
    assert x_hat[0, 0] == x[0, 0]


def test_quantize_nan_spoils_only_its_row():
    x = torch.arange(36.0).view(2, 18)
    x[1, 4] = float("nan")
    x_hat, _ = round_trip(QuantizeCodec(), x, context(4))
    assert bool(torch.isnan(x_hat[1]).all())
    assert bool(((x[0] - x_hat[0]).abs() < 17 / 255 * (1 + 1e-5)).all())


@pytest.mark.parametrize("bits", [4, 2])
def test_quantize_unbiased_over_seeds(bits):
    x = torch.randn(4, 32, generator=torch.Generator().manual_seed(4))
    codec = QuantizeCodec()
    draws = torch.stack(
        [round_trip(codec, x, context(32 / bits, seed=s))[0] for s in range(1000)]
    )
    step = float(((x.max(1).values - x.min(1).values) / ((1 << bits) - 1)).max())
    # Each draw errs by less than one step, so the mean of 1000 has std < step / sqrt(1000).
    assert float((draws.mean(0) - x).abs().max()) < 5 * step / math.sqrt(1000)
    assert float((draws[0] - x).abs().max()) > 0.05 * step  # single draws do differ


def test_quantize_gradient_unbiased_over_seeds():
    g = torch.randn(3, 24, generator=torch.Generator().manual_seed(5))
    codec = QuantizeCodec()
    draws = torch.stack(
        [
            codec.decode_grad(
                codec.encode_grad(g, None, context(8, seed=s)), g, context(8, seed=s)
            )
            for s in range(1000)
        ]
    )
    step = float(((g.max(1).values - g.min(1).values) / 15).max())
    assert float((draws.mean(0) - g).abs().max()) < 5 * step / math.sqrt(1000)


def test_quantize_gradient_uses_own_noise():
    # Rows and gradients draw their rounding noise from independent streams, so the
    # same values sent both ways with the same transfer seed get different codes.
    x = torch.randn(4, 32, generator=torch.Generator().manual_seed(8))
    codec, ctx = QuantizeCodec(), context(8)
    rows = codec.encode(x, ctx)
    grads = codec.encode_grad(x, None, ctx)
    assert torch.equal(rows[1], grads[1])  # the same scales
    assert not torch.equal(rows[0], grads[0])


# Subsampling ---------------------------------------------------------------------------
def test_subsample_keeps_scaled_rows_exactly():
    x = torch.arange(30.0).view(10, 3)
    ctx = context(4)
    x_hat, payload = round_trip(SubsampleCodec(), x, ctx)
    kept = kept_rows(10, 4, ctx.seed)
    assert kept.numel() == 3
    assert wire_bytes(payload) == 3 * 3 * 4
    assert torch.equal(x_hat[kept], x[kept] * (10 / 3))
    dropped = torch.ones(10, dtype=torch.bool)
    dropped[kept] = False
    assert torch.equal(x_hat[dropped], torch.zeros(7, 3))


def test_subsample_unbiased_over_seeds():
    x = torch.randn(12, 5, generator=torch.Generator().manual_seed(6))
    codec = SubsampleCodec()
    draws = torch.stack(
        [round_trip(codec, x, context(3, seed=s))[0] for s in range(2000)]
    )
    # Per entry the draw is 3 x w.p. 1/3 and 0 otherwise: std sqrt(2) |x| per draw.
    bound = 5 * math.sqrt(2) * x.abs() / math.sqrt(2000)
    assert bool(((draws.mean(0) - x).abs() <= bound + 1e-6).all())


# Gradient maps: <decode(z), g> == <z, encode_grad(g)> and <encode(x), h> == <x, decode_grad(h)>
@pytest.mark.parametrize(
    "codec_cls",
    [RandomProjectionCodec, unbiased_projection, SubsampleCodec, LearnedCodec],
)
def test_linear_codec_gradients_are_adjoints(codec_cls):
    gen = torch.Generator().manual_seed(7)
    codec = codec_cls()
    x, g = torch.randn(9, 20, generator=gen), torch.randn(9, 20, generator=gen)
    ctx = context(4)
    payload = codec.encode(x, ctx)
    decoded = codec.decode(payload, 9, 20, ctx)
    grad_payload = codec.encode_grad(g, payload, ctx)
    # The gradient of <decode(z), g> with respect to z is what the receiver sends.
    lhs = (decoded * g).sum()
    z = payload[0]
    assert grad_payload[0].shape == z.shape
    torch.testing.assert_close(lhs, codec.decode([z], 9, 20, ctx).mul(g).sum())
    z_probe = torch.randn(z.shape, generator=gen)
    torch.testing.assert_close(
        (codec.decode([z_probe], 9, 20, ctx) * g).sum(),
        (z_probe * grad_payload[0]).sum(),
        atol=1e-4,
        rtol=1e-4,
    )
    # The owner maps a code gradient h to the gradient of the rows: encode's adjoint.
    h = torch.randn(z.shape, generator=gen)
    torch.testing.assert_close(
        (codec.encode(x, ctx)[0] * h).sum(),
        (x * codec.decode_grad([h], x, ctx)).sum(),
        atol=1e-4,
        rtol=1e-4,
    )


def test_learned_codec_accumulates_weight_gradients():
    codec = LearnedCodec(seed=1)
    gen = torch.Generator().manual_seed(8)
    x, g = torch.randn(6, 16, generator=gen), torch.randn(6, 16, generator=gen)
    ctx = context(4)
    enc, dec = codec.weights(ctx.key, 16)
    z = codec.encode(x, ctx)
    codec.decode(z, 6, 16, ctx)
    grad_z = codec.encode_grad(g, z, ctx)[0]
    codec.decode_grad([grad_z], x, ctx)
    # Reference: autograd through x -> x W_e[:, :4] -> z W_d[:4] against <., g>.
    enc_ref = enc.detach().clone().requires_grad_(True)
    dec_ref = dec.detach().clone().requires_grad_(True)
    ((x @ enc_ref[:, :4]) @ dec_ref[:4] * g).sum().backward()
    torch.testing.assert_close(enc.grad, enc_ref.grad)
    torch.testing.assert_close(dec.grad, dec_ref.grad)
    assert float(enc.grad[:, 4:].abs().sum()) == 0.0
    # Before training the learned codec is an orthogonal projection: error <= |x|.
    error = (x - codec.decode(z, 6, 16, ctx)).pow(2).sum(1)
    assert bool((error <= x.pow(2).sum(1) * (1 + 1e-5)).all())


def test_learned_codec_sums_gradients_of_transfers():
    # One aggregation call sends to several peers with the same weights, and each
    # transfer adds its weight gradients to those of the transfers before it.
    codec = LearnedCodec(seed=1)
    gen = torch.Generator().manual_seed(9)
    enc, dec = codec.weights("0.0", 16)
    enc_ref = enc.detach().clone().requires_grad_(True)
    dec_ref = dec.detach().clone().requires_grad_(True)
    for seed, rows in [(3, 6), (4, 5)]:
        ctx = context(4, seed=seed)
        x = torch.randn(rows, 16, generator=gen)
        g = torch.randn(rows, 16, generator=gen)
        z = codec.encode(x, ctx)
        grad_z = codec.encode_grad(g, z, ctx)[0]
        codec.decode_grad([grad_z], x, ctx)
        ((x @ enc_ref[:, :4]) @ dec_ref[:4] * g).sum().backward()
    torch.testing.assert_close(enc.grad, enc_ref.grad)
    torch.testing.assert_close(dec.grad, dec_ref.grad)


def test_learned_codec_frozen_rejects_new_call():
    codec = LearnedCodec()
    codec.weights("0.0", 16)
    codec.freeze()
    with pytest.raises(KeyError, match="aggregation call 1.0"):
        codec.weights("1.0", 16)


def test_learned_codec_forward_hook_input_dtypes():
    # The hook makes float inputs require gradients, so the codec of an aggregation of
    # the raw features is trained. Integer inputs (node ids) cannot require gradients.
    from graphkit.distributed.compression import Compression, FixedSchedule

    compression = Compression(LearnedCodec(), FixedSchedule(2.0), comm=None)
    module = torch.nn.Identity()
    ids = torch.arange(4)
    assert compression._before_forward(module, (ids, None)) is None
    features = torch.ones(4, 2)
    (x, graph) = compression._before_forward(module, (features, None))
    assert x.requires_grad
    assert graph is None


@pytest.mark.parametrize(
    ("width", "ratio", "applies"),
    [(16, 4.0, True), (15, 4.0, False), (16, 1.0, False), (64, 1.01, True)],
)
def test_codec_applies_from_min_width(width, ratio, applies):
    # Tensors of at least min_width columns are compressed at any ratio above 1.
    assert QuantizeCodec(min_width=16).applies(width, ratio) is applies


@pytest.mark.parametrize("name", ["random-projection", "learned", "quantize"])
@pytest.mark.parametrize("min_width", [-1, 0, 2.5, True])
def test_make_codec_rejects_bad_min_width(name, min_width):
    with pytest.raises(ValueError, match=f"min_width={min_width!r} is invalid"):
        make_codec(name, min_width=min_width)


def test_make_codec_tensor_min_width():
    min_width = make_codec("quantize", min_width=torch.tensor(4)).min_width
    assert type(min_width) is int
    assert min_width == 4
