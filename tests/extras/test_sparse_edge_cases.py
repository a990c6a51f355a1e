"""Sparse masks and DSR at their limits: over-pruning and runs without reallocation."""

from __future__ import annotations

import types

import pytest
import torch
from graphkit.extras.common.sparse import (
    MaskedLinear,
    density,
    grow_random,
    magnitude_prune,
    random_mask,
)
from graphkit.extras.efficient import dsr


def test_prune_more_than_active_raises():
    weight = torch.tensor([[0.1, -3.0], [2.0, -0.05]])
    mask = torch.tensor([[True, False], [False, True]])
    with pytest.raises(ValueError, match="only 2 are active"):
        magnitude_prune(weight, mask, 3)


def test_prune_all_active():
    weight = torch.tensor([[0.1, -3.0], [2.0, -0.05]])
    mask = torch.tensor([[True, False], [False, True]])
    assert not magnitude_prune(weight, mask, 2).any()


def test_dsr_rejects_run_without_reallocation(monkeypatch):
    # 1,437 training digits in batches of 64 give 23 steps in one epoch. The check
    # needs only the training-set size, so the digits are not loaded.
    split = types.SimpleNamespace(x_train=torch.zeros(1437, 64))
    monkeypatch.setattr(dsr, "load_digits_split", lambda: split)
    config = dsr.Config(
        hidden=(8,), epochs=1, seeds=(0,), realloc_every=24, arms=("static", "dsr")
    )
    with pytest.raises(ValueError, match="exceeds the 23 training steps"):
        dsr.run(config)


def test_regrown_weights_start_without_momentum():
    # Pruned weights keep Adam moments from before the prune. A regrown weight must
    # start from zero value and zero moments, not from that stale momentum.
    g = torch.Generator().manual_seed(0)
    config = dsr.Config(hidden=(4,), density=0.5)
    model = dsr.build_sparse_mlp(config.hidden, 1.0, g)
    layers = [m for m in model.modules() if isinstance(m, MaskedLinear)]
    layer = layers[0]
    # Adam's per-weight state after one training step. The reallocator reads only
    # optimizer.state, and building torch.optim.Adam first costs seconds of imports.
    moments = {
        "step": torch.tensor(1.0),
        "exp_avg": torch.ones_like(layer.weight),
        "exp_avg_sq": torch.ones_like(layer.weight),
    }
    optimizer = types.SimpleNamespace(state={layer.weight: moments})
    with torch.no_grad():
        layer.mask.view(-1)[:10] = False
        layer.apply_mask_()
    reallocator = dsr.Reallocator(layers, optimizer, config, "set", g)
    with torch.no_grad():  # Reallocator.step also grows under no_grad.
        reallocator._grow(layer, 10)
    state = optimizer.state[layer.weight]
    assert bool(layer.mask.all())
    assert torch.count_nonzero(layer.weight.view(-1)[:10]) == 0
    assert torch.count_nonzero(state["exp_avg"].view(-1)[:10]) == 0
    assert torch.count_nonzero(state["exp_avg_sq"].view(-1)[:10]) == 0


def test_prune_exact_with_nonfinite_weights():
    # Active weights that are inf or NaN must still count, so that exactly `count`
    # active weights are switched off and no inactive position is chosen instead.
    weight = torch.tensor([float("nan"), 1.0, 2.0, float("inf"), 0.5])
    mask = torch.tensor([True, False, True, True, False])
    pruned = magnitude_prune(weight, mask, 2)
    assert int(pruned.sum()) == 1
    assert not (pruned & ~mask).any()
    # The finite weight 2.0 is the smallest; inf comes before NaN, which topk puts last.
    assert pruned.tolist() == [True, False, False, False, False]
    assert not magnitude_prune(weight, mask, 3).any()


def test_grow_random_rejects_negative_count():
    mask = torch.tensor([True, False, False, False])
    with pytest.raises(ValueError, match="count=-1"):
        grow_random(mask, -1)
    assert grow_random(mask, 0).tolist() == []


def test_dsr_rejects_repeated_arm():
    # acc_dsr would hold the sum of both runs, about twice the accuracy.
    with pytest.raises(ValueError, match="repeats an arm"):
        dsr.Config(arms=("static", "dsr", "dsr"))


def test_regrown_weights_start_without_sgd_momentum():
    g = torch.Generator().manual_seed(0)
    config = dsr.Config(hidden=(4,), density=0.5)
    model = dsr.build_sparse_mlp(config.hidden, 1.0, g)
    layers = [m for m in model.modules() if isinstance(m, MaskedLinear)]
    layer = layers[0]
    # SGD with momentum keeps one buffer per weight, here as after a few steps.
    state = {"momentum_buffer": torch.ones_like(layer.weight)}
    optimizer = types.SimpleNamespace(state={layer.weight: state})
    with torch.no_grad():
        layer.mask.view(-1)[:10] = False
        layer.apply_mask_()
    reallocator = dsr.Reallocator(layers, optimizer, config, "set", g)
    with torch.no_grad():
        reallocator._grow(layer, 10)
    assert torch.count_nonzero(state["momentum_buffer"].view(-1)[:10]) == 0
    # The buffer of weights that stayed active is left alone.
    assert bool((state["momentum_buffer"].view(-1)[10:] == 1).all())


def _layer(weight, mask) -> MaskedLinear:
    layer = MaskedLinear(len(weight[0]), len(weight), bias=False)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(weight))
        layer.mask.copy_(torch.tensor(mask))
    return layer


def test_dsr_global_prune_threshold_and_regrowth():
    # 8 non-zeros give a target of 0.5 * 8 = 4 pruned. |w| < 0.05 prunes -0.01 and
    # 0.02 in the first layer and -0.03 in the second. -0.6 stays because the rule
    # compares magnitudes, not values. 3 pruned is below 4 * (1 - 0.1) = 3.6, so the
    # threshold doubles. The 3 regrown weights go 1 : 2 to the layers, in proportion
    # to their surviving counts 2 and 3 (shares 1.2 and 1.8).
    first = _layer([[0.5, -0.01], [0.02, -0.6]], [[True, True], [True, True]])
    second = _layer(
        [[-0.03, 0.7, 0.8, 0.9], [0.0, 0.0, 0.0, 0.0]],
        [[True, True, True, True], [False, False, False, False]],
    )
    config = dsr.Config(prune_fraction=0.5, initial_threshold=0.05, tolerance=0.1)
    optimizer = types.SimpleNamespace(state={})
    g = torch.Generator().manual_seed(0)
    reallocator = dsr.Reallocator([first, second], optimizer, config, "dsr", g)
    reallocator.step()
    entry = reallocator.history[-1]
    assert entry["pruned"] == 3
    assert entry["threshold"] == pytest.approx(0.1)
    assert entry["densities"] == [3 / 4, 5 / 8]
    assert reallocator.nonzero_violations == 0
    # Regrown weights start at zero, survivors keep their values.
    for layer, survivors in ((first, {0.5, -0.6}), (second, {0.7, 0.8, 0.9})):
        active = layer.weight.detach()[layer.mask]
        surviving_values = {round(float(w), 6) for w in active if w != 0}
        assert surviving_values == survivors
        assert int((active == 0).sum()) == len(active) - len(survivors)


def test_dsr_halves_threshold_and_passes_excess():
    # 8 non-zeros give a target of 0.25 * 8 = 2 pruned. |w| < 0.05 prunes 4, above
    # 2 * (1 + 0.1) = 2.2, so the threshold halves. The 4 regrown weights split 1 : 3
    # by the surviving counts 1 and 3, but the second layer has 1 free position, so
    # its excess 2 goes to the first layer and both layers end full.
    first = _layer([[0.01, 0.02], [0.03, 0.5]], [[True, True], [True, True]])
    second = _layer([[0.04, 0.6, 0.7, 0.8]], [[True, True, True, True]])
    config = dsr.Config(prune_fraction=0.25, initial_threshold=0.05, tolerance=0.1)
    optimizer = types.SimpleNamespace(state={})
    g = torch.Generator().manual_seed(0)
    reallocator = dsr.Reallocator([first, second], optimizer, config, "dsr", g)
    reallocator.step()
    entry = reallocator.history[-1]
    assert entry["pruned"] == 4
    assert entry["threshold"] == pytest.approx(0.025)
    assert entry["densities"] == [1.0, 1.0]
    assert reallocator.nonzero_violations == 0


@pytest.mark.parametrize("dtype", [torch.uint8, torch.int64, torch.float32])
def test_grow_random_integer_mask(dtype):
    # ~mask of an integer mask is non-zero everywhere, so taking it as the free
    # positions would also grow active ones.
    mask = torch.tensor([1, 0, 1, 0, 0], dtype=dtype)
    positions = grow_random(mask, 3, torch.Generator().manual_seed(0))
    assert sorted(positions.tolist()) == [1, 3, 4]


def test_grow_random_integer_mask_full():
    with pytest.raises(ValueError, match="only 0 free positions"):
        grow_random(torch.ones(3, dtype=torch.uint8), 1)


def test_prune_transposed_mask_rejected():
    weight = torch.arange(12.0).reshape(4, 3)
    mask = torch.ones(3, 4, dtype=torch.bool)
    with pytest.raises(ValueError, match=r"mask of shape \(3, 4\) does not match"):
        magnitude_prune(weight, mask, 2)


@pytest.mark.parametrize(("density", "expected"), [(0.37, 4), (0.33, 3), (1.0, 10)])
def test_random_mask_rounds_density(density, expected):
    # density * 10 is 3.7 or 3.3, and the count is the nearest integer, not the floor.
    mask = random_mask(
        (2, 5), density=density, generator=torch.Generator().manual_seed(0)
    )
    assert mask.shape == (2, 5)
    assert int(mask.sum()) == expected


@pytest.mark.parametrize("count", [1.5, True])
def test_mask_counts_must_be_whole(count):
    weight = torch.tensor([[0.1, -3.0], [2.0, -0.05]])
    mask = torch.tensor([[True, False], [True, True]])
    with pytest.raises(TypeError, match=f"count={count!r} is invalid"):
        random_mask((2, 2), count=count)
    with pytest.raises(TypeError, match=f"count={count!r} is invalid"):
        grow_random(mask, count)
    with pytest.raises(TypeError, match=f"count={count!r} is invalid"):
        magnitude_prune(weight, mask, count)


def test_random_mask_rejects_negative_size():
    with pytest.raises(ValueError, match=r"shape \(3, -3\) is invalid"):
        random_mask((3, -3), count=0)


def test_integer_mask_counts_positions():
    # mask.sum() counts an entry of 2 twice, so it would see 6 active weights in
    # 3 positions, and the mean would give a density of 1.5.
    weight = torch.tensor([[0.1, -3.0], [2.0, -0.05]])
    mask = torch.tensor([[2, 0], [2, 2]])
    with pytest.raises(ValueError, match="only 3 are active"):
        magnitude_prune(weight, mask, 4)
    assert density(mask) == 0.75
    # -0.05 has the smallest magnitude of the active weights 0.1, 2.0 and -0.05.
    pruned = magnitude_prune(weight, mask, 1)
    assert pruned.tolist() == [[2, 0], [2, 0]]
