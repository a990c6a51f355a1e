"""Early attentive sparsification: the score, its soft relaxation and the synthetic data."""

from __future__ import annotations

import math

import torch
from graphkit.extras.efficient import eas


def test_attention_received_sums_heads_and_queries():
    # Two heads and three frames. Rows are queries and sum to 1.
    probs = torch.tensor(
        [
            [
                [[0.5, 0.5, 0.0], [0.2, 0.6, 0.2], [0.0, 1.0, 0.0]],
                [[1.0, 0.0, 0.0], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]],
            ]
        ]
    )
    scores = eas.attention_received(probs)
    torch.testing.assert_close(scores, torch.tensor([[2.1, 2.5, 1.4]]))
    without_self = eas.attention_received(probs, exclude_self=True)
    # Leaves out A[0, 0], A[1, 1] and A[2, 2] of both heads.
    torch.testing.assert_close(without_self, torch.tensor([[0.6, 1.8, 1.0]]))


def test_soft_keep_bias_values():
    scores = torch.tensor([[3.0, 1.0, 2.0, 0.0]])
    bias = eas.soft_keep_bias(scores, keep=2, temperature=0.5)
    # The threshold lies halfway between the 2nd (2.0) and 3rd (1.0) highest scores.
    expected = [
        math.log(1.0 / (1.0 + math.exp(-(s - 1.5) / 0.5))) for s in (3, 1, 2, 0)
    ]
    torch.testing.assert_close(bias, torch.tensor([expected]))


def test_soft_pruning_matches_hard_when_cold():
    config = eas.Config.smoke()
    torch.manual_seed(0)
    model = eas.Transcriber(config).double().eval()
    x = torch.randn(3, config.frames, config.features, dtype=torch.float64)
    tokens = torch.tensor([[eas.BOS, 1, 2], [eas.BOS, 3, 3], [eas.BOS, 0, 9]])
    with torch.no_grad():
        hard_memory, kept = model.encode(x, prune_layer=2, sparsity=0.5)
        soft_memory, bias = model.encode_soft(x, 2, 0.5, temperature=1e-9)
        hard_logits = model.decode_logits(hard_memory, tokens)
        soft_logits = model.decode_logits(soft_memory, tokens, bias)
    dropped = torch.ones_like(bias, dtype=torch.bool).scatter(1, kept, False)
    assert bool((bias[dropped] < -1e3).all())
    assert bool((bias.gather(1, kept) > -1e-6).all())
    # The kept frames see only each other after layer 2, so their states agree.
    kept_soft = soft_memory.gather(1, kept[..., None].expand(-1, -1, config.width))
    torch.testing.assert_close(kept_soft, hard_memory)
    torch.testing.assert_close(soft_logits, hard_logits)


def test_sequences_mark_segments_as_voiced():
    config = eas.Config(silence_noise=0.0, segment_min=7, segment_max=9)
    generator = torch.Generator().manual_seed(0)
    templates = torch.randn(eas.NUM_CLASSES, config.features, generator=generator)
    x, labels, voiced = eas.make_sequences(20, config, generator, templates)
    assert x.shape == (20, config.frames, config.features)
    for n, label in enumerate(labels):
        assert 3 <= len(label) <= 5
        assert bool((x[n][~voiced[n]] == 0).all())
        flags = voiced[n].int()
        starts = ((flags[1:] - flags[:-1]) == 1).sum() + flags[0]
        assert int(starts) <= len(label)
        assert 7 * len(label) <= int(flags.sum()) <= 9 * len(label)


def test_keep_count_rounds_before_ceil():
    # (1 - 0.7) * 10 is 3.0000000000000004 in floating point, so a ceiling taken
    # without rounding first would keep 4 frames.
    assert eas.keep_count(10, 0.7) == 3
    assert eas.keep_count(10, 0.75) == 3
    assert eas.keep_count(7, 0.0) == 7


def test_select_tokens_in_time_order():
    scores = torch.tensor([[0.1, 0.9, 0.3, 0.8]])
    assert eas.select_tokens(scores, 3).tolist() == [[1, 2, 3]]
