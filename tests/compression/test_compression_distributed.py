"""Compressed halo exchange across spawned gloo ranks: exactness, gradients, learned codec."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "distributed"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from compression_workers import (
    bytes_and_error,
    float64_quantized_output,
    gradients_match_differences,
    learned_training,
    learned_weight_names,
    off_is_identical,
)
from harness import run_world
from stream_order import match_in_order, replay
from workers import recorded

pytestmark = pytest.mark.distributed


def test_compression_off_bit_identical():
    failures = [f for rank in run_world(off_is_identical, 3) for f in rank]
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize(
    "codecs, models",
    [
        (["random-projection", "subsample"], ["gcn", "sage", "sage-max", "gat"]),
        (["learned"], ["gin", "edgeconv", "gcn-batchnorm", "message-edge"]),
    ],
)
def test_backward_matches_finite_differences(codecs, models):
    results = run_world(gradients_match_differences, 3, codecs, models)
    failures = [f for rank in results for f in rank]
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize("mode", ["sar", "one-shot"])
def test_learned_codec_trains_and_stays_equal(mode):
    results = run_world(learned_training, 3, mode)
    norms, final, changed = results[0]
    assert final, "the learned codec created no weights"
    for step in norms:
        for key, norm in step.items():
            assert norm > 0, f"{key} received no gradient"
    for key, delta in changed.items():
        assert delta > 0, f"{key} did not change in training"
    for rank, (_, other, _) in enumerate(results[1:], start=1):
        for key in final:
            assert final[key] == other[key], f"{key} differs on rank {rank}"


def test_learned_codec_attached_at_ratio_one():
    # Attaching creates the weights of every aggregation call at any starting ratio.
    # The model's parameters and checkpoints then do not depend on that ratio.
    results = run_world(learned_weight_names, 2, [1.0, 4.0])
    for rank, (at_one, at_four) in enumerate(results):
        assert at_four, f"rank {rank}: no weights at ratio 4"
        assert at_one == at_four, f"rank {rank}"


@pytest.mark.parametrize(
    "codec, ratio, max_fraction, max_error",
    [
        ("random-projection", 4, 0.30, 0.9),
        ("learned", 8, 0.18, 0.95),
        ("quantize", 4, 0.35, 0.05),
        ("subsample", 2, 0.55, 1.5),
    ],
)
def test_codec_reduces_halo_bytes(codec, ratio, max_fraction, max_error):
    for plain, compressed, error in run_world(bytes_and_error, 2, codec, ratio):
        assert plain > 0
        assert compressed <= max_fraction * plain, (compressed, plain)
        assert 0 < error < max_error


def test_quantized_halos_keep_float64():
    # The quantize codec decodes to float32, so without a cast a float64 model fails in
    # the aggregation with a dtype mismatch.
    for dtype, error in run_world(float64_quantized_output, 2):
        assert dtype == "torch.float64"
        assert 0 < error < 0.05


def test_compressed_communication_runs_in_stream_order():
    # nccl pairs messages by posting order on one stream (see stream_order), so the
    # compressed exchange must post in an order that cannot leave a rank waiting.
    codecs, models = ["random-projection", "learned"], ["gcn", "gat", "gcn-batchnorm"]
    results = run_world(recorded, 3, gradients_match_differences, codecs, models)
    failures = [f for rank_failures, _ in results for f in rank_failures]
    assert not failures, "\n".join(failures[:20])
    streams = [groups for _, groups in results]
    assert all(streams)
    assert replay(streams, match_in_order(streams)) == []
