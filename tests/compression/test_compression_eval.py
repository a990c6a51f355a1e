"""compression_eval: exact or compressed halo rows in evaluation passes.

The distributed tests evaluate one set of weights on 2 ranks and compare the scores
with the uncompressed single-process evaluation of the same weights.
"""

import logging
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from graphkit.distributed.compression import (
    Compression,
    FixedSchedule,
    LearnedCodec,
    RandomProjectionCodec,
    compression_from_config,
)
from torch import nn

from graphkit.train.config import TrainConfig

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "distributed"))
from harness import run_world
from workers import train_config

RANDOM_PROJECTION = {
    "compression": "random-projection",
    "compression_ratio": 16.0,
    "compression_min_width": 1,
}


# Which exchange each forward pass gets -----------------------------------------------
class _OneCall(nn.Module):
    """A model whose forward pass makes one aggregation call and returns its exchange."""

    def __init__(self, compression: Compression, halo) -> None:
        super().__init__()
        self.compression, self.halo = compression, halo

    def forward(self, x, graph):
        return self.compression.halo_for(self.halo, "aggregate:sum[16]")


def _halo():
    """Fake a one-process HaloExchange with only the fields CompressedHalo reads."""
    return SimpleNamespace(
        comm=None, rank=0, world_size=2, send_rows=[], recv_counts=[]
    )


def _exchange_per_pass(evaluation: str) -> dict[str, object]:
    halo = _halo()
    compression = Compression(
        RandomProjectionCodec(), FixedSchedule(16.0), None, evaluation=evaluation
    )
    model = _OneCall(compression, halo)
    compression.attach(model, torch.zeros(2, 16), None)
    got = {}
    model.train()
    got["train"] = model(torch.zeros(2, 16), None)
    with torch.no_grad():
        got["train, no_grad"] = model(torch.zeros(2, 16), None)
        model.eval()
        got["eval, no_grad"] = model(torch.zeros(2, 16), None)
    got["eval"] = model(torch.zeros(2, 16), None)
    return {
        name: "exact" if exchange is halo else "compressed"
        for name, exchange in got.items()
    }


def test_exact_evaluation_passes_uncompressed():
    assert _exchange_per_pass("exact") == {
        "train": "compressed",
        "train, no_grad": "compressed",
        "eval, no_grad": "exact",
        "eval": "exact",
    }


def test_compressed_evaluation_passes_compressed():
    got = _exchange_per_pass("compressed")
    assert set(got.values()) == {"compressed"}


def test_exact_pass_keeps_seeds_of_training_passes():
    # An exact evaluation pass still counts as a pass, so the training pass after it
    # draws the random numbers it draws with compressed evaluation.
    seeds = {}
    for evaluation in ("compressed", "exact"):
        compression = Compression(
            RandomProjectionCodec(), FixedSchedule(16.0), None, evaluation=evaluation
        )
        model = _OneCall(compression, _halo())
        compression.attach(model, torch.zeros(2, 16), None)
        model.eval()
        model(torch.zeros(2, 16), None)
        model.train()
        seeds[evaluation] = model(torch.zeros(2, 16), None).call_seed
    assert seeds["exact"] == seeds["compressed"]


# Options -----------------------------------------------------------------------------
def test_config_rejects_exact_with_learned():
    with pytest.raises(ValueError) as error:
        TrainConfig(compression="learned", compression_eval="exact")
    message = str(error.value)
    assert message.startswith(
        "compression_eval='exact' is invalid with compression='learned'. "
    )
    assert message.endswith(
        "Pass compression_eval='compressed', or choose another compressor"
    )


def test_compression_rejects_exact_with_learned():
    with pytest.raises(ValueError, match="is invalid with compression='learned'"):
        Compression(LearnedCodec(), FixedSchedule(4.0), None, evaluation="exact")


def test_compression_rejects_unknown_evaluation():
    with pytest.raises(ValueError, match="evaluation='uncompressed' is invalid"):
        Compression(
            RandomProjectionCodec(), FixedSchedule(4.0), None, evaluation="uncompressed"
        )


def test_config_rejects_unknown_evaluation():
    with pytest.raises(ValueError, match="compression_eval='none' is invalid"):
        TrainConfig(compression_eval="none")


def test_command_line_option():
    import argparse

    from graphkit.train.config import add_config_arguments, config_from_args

    parser = argparse.ArgumentParser()
    add_config_arguments(parser)
    args = parser.parse_args(
        ["--compression", "subsample", "--compression-eval", "exact"]
    )
    assert config_from_args(args).compression_eval == "exact"
    assert config_from_args(parser.parse_args([])).compression_eval == "compressed"


def test_config_builds_exact_compression():
    config = TrainConfig(compression="quantize", compression_eval="exact")
    compression = compression_from_config(config, SimpleNamespace(rank=0))
    assert compression.evaluation == "exact"
    assert repr(compression) == (
        "Compression(codec=QuantizeCodec(min_width=16), "
        "schedule=FixedSchedule(ratio=4.0), evaluation='exact')"
    )


def test_exact_without_compression_warns(caplog):
    config = TrainConfig(compression_eval="exact")
    with caplog.at_level(logging.WARNING):
        assert compression_from_config(config, SimpleNamespace(rank=0)) is None
    assert "compression_eval='exact' is ignored: compression is none" in caplog.text


# Checkpoints -------------------------------------------------------------------------
def _after_epochs(evaluation: str, epochs: int = 3) -> Compression:
    compression = Compression(
        RandomProjectionCodec(),
        FixedSchedule(8.0),
        SimpleNamespace(rank=0),
        evaluation=evaluation,
    )
    compression.epochs_done, compression._pass = epochs, 2 * epochs
    return compression


def test_default_checkpoint_config_unchanged():
    state = _after_epochs("compressed").state_dict()
    assert state["config"] == (
        "Compression(codec=RandomProjectionCodec(seed=0, resample=False, "
        "unbiased=False, min_width=16), schedule=FixedSchedule(ratio=8.0))"
    )
    assert state["evaluation"] == "compressed"


@pytest.mark.parametrize(
    ("saved", "resumed"), [("compressed", "exact"), ("exact", "compressed")]
)
def test_other_evaluation_resumes_schedule_and_warns(caplog, saved, resumed):
    state = _after_epochs(saved).state_dict()
    state["ratio"] = 5.0  # a ratio only the saved state gives
    compression = _after_epochs(resumed, epochs=0)
    with caplog.at_level(logging.WARNING):
        compression.load_state_dict(state)
    # The evaluation does not change the ratio of any epoch, so the schedule continues.
    assert compression.ratio == 5.0
    assert compression.evaluation == resumed
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    expected = (
        f"the checkpoint was written with compression_eval={saved!r} but this run has "
        f"compression_eval={resumed!r}. The best validation score restored from the "
        f"checkpoint was measured with {saved} halo rows and the scores of the next "
        f"epochs with {resumed} ones, so the best epoch compares scores of both kinds"
    )
    assert warnings == [expected]


def test_checkpoint_without_evaluation_is_compressed(caplog):
    state = _after_epochs("compressed").state_dict()
    del state["evaluation"]  # written before the option existed
    compression = _after_epochs("exact", epochs=0)
    with caplog.at_level(logging.WARNING):
        compression.load_state_dict(state)
    assert "compression_eval='compressed' but this run has" in caplog.text


# Two ranks against one process ---------------------------------------------------------
def _reference(steps: int = 3):
    """Train ``steps`` uncompressed steps in one process.

    Returns the weights and their single-process scores.
    """
    from graphkit.launch.cmd_train import load_local

    from graphkit.train.trainer import Trainer

    config = train_config()
    graph, data = load_local(config)
    trainer = Trainer(config, data, graph)
    for _ in range(steps):
        trainer.train_step()
    return trainer.model.state_dict(), trainer.evaluate()


def evaluate_weights(rank: int, world_size: int, options: dict, state: dict):
    """Evaluate ``state`` twice on this rank's partition.

    Returns the two scores, this rank's bytes sent per label by the two evaluations, and
    the compression record of the epoch that counts them (None without compression).
    """
    from graphkit.distributed.runtime import build_partition

    from graphkit.train.trainer import Trainer

    config = train_config(**options)
    graph, data = build_partition(config, rank, world_size)
    trainer = Trainer(config, data, graph)
    trainer.model.load_state_dict(state)
    graph.comm_stats()  # drops the counts of the set-up exchanges
    scores = [trainer.evaluate() for _ in range(2)]
    sent = dict(graph.comm.stats.sent)
    record = None
    if trainer.compression is not None:
        record = trainer.compression.end_epoch(1, scores[0]["val_loss"])
    return scores, sent, record


def _halo_bytes(sent: dict) -> int:
    return sum(v for k, v in sent.items() if k.startswith("aggregate"))


# subsample draws different rows in every pass. The command line's random-projection
# keeps one projection per aggregation call, so its compressed scores are repeatable
# but still differ from the exact ones.
CODECS = {
    "random-projection": RANDOM_PROJECTION,
    "subsample": {"compression": "subsample", "compression_ratio": 16.0},
}


@pytest.fixture(scope="module")
def two_rank_evaluations():
    state, reference = _reference()
    runs = {"none": run_world(evaluate_weights, 2, {}, state)}
    for codec, options in CODECS.items():
        for evaluation in ("exact", "compressed"):
            run_options = {**options, "compression_eval": evaluation}
            runs[codec, evaluation] = run_world(evaluate_weights, 2, run_options, state)
    return reference, runs


@pytest.mark.distributed
@pytest.mark.parametrize("codec", CODECS)
def test_exact_evaluation_equals_single_process(two_rank_evaluations, codec):
    reference, runs = two_rank_evaluations
    for scores, _, _ in runs[codec, "exact"]:
        for got in scores:
            for split in ("train", "val", "test"):
                assert got[split] == pytest.approx(reference[split], rel=0, abs=1e-12)
            assert got["val_loss"] == pytest.approx(reference["val_loss"], rel=1e-6)


@pytest.mark.distributed
@pytest.mark.parametrize("codec", CODECS)
def test_compressed_evaluation_differs(two_rank_evaluations, codec):
    reference, runs = two_rank_evaluations
    for scores, _, _ in runs[codec, "compressed"]:
        for got in scores:
            assert abs(got["val_loss"] - reference["val_loss"]) > 1e-3


@pytest.mark.distributed
def test_subsample_evaluations_differ_per_pass(two_rank_evaluations):
    _, runs = two_rank_evaluations
    for (first, second), _, _ in runs["subsample", "compressed"]:
        assert first["val_loss"] != second["val_loss"]
    for (first, second), _, _ in runs["subsample", "exact"]:
        assert first == second


@pytest.mark.distributed
@pytest.mark.parametrize("codec", CODECS)
def test_exact_evaluation_sends_uncompressed_bytes(two_rank_evaluations, codec):
    _, runs = two_rank_evaluations
    for rank in range(2):
        _, exact_sent, _ = runs[codec, "exact"][rank]
        _, none_sent, _ = runs["none"][rank]
        _, compressed_sent, _ = runs[codec, "compressed"][rank]
        assert exact_sent == none_sent
        assert _halo_bytes(compressed_sent) < _halo_bytes(exact_sent)


@pytest.mark.distributed
@pytest.mark.parametrize("codec", CODECS)
def test_exact_evaluation_bytes_in_record(two_rank_evaluations, codec):
    _, runs = two_rank_evaluations
    for evaluation in ("exact", "compressed"):
        halo_bytes = sum(_halo_bytes(sent) for _, sent, _ in runs[codec, evaluation])
        for _, _, record in runs[codec, evaluation]:
            assert record["epoch_halo_bytes_all_ranks"] == halo_bytes
            assert record["compression_ratio"] == 16.0
    for _, _, record in runs[codec, "exact"]:
        assert record["eval_compression_ratio"] == 1.0
    for _, _, record in runs[codec, "compressed"]:
        assert "eval_compression_ratio" not in record


# Through the trainer: records and resume ----------------------------------------------
def fit_then_resume(rank: int, world_size: int, out: str) -> list[str]:
    """Train 2 epochs with exact evaluation, then resume for a third with compressed.

    Only rank 0 gets ``out`` and ``checkpoint_every``, and every rank resumes from the
    checkpoint. Returns the warnings of the compression module.
    """
    from graphkit.distributed.runtime import build_partition

    from graphkit.train.trainer import Trainer

    runs = [
        {"compression_eval": "exact", "epochs": 2, "checkpoint_every": 2},
        {"epochs": 3, "resume": str(Path(out) / "checkpoint_000002.pt")},
    ]
    handler = logging.Handler()
    warnings = []
    handler.emit = lambda record: warnings.append(record.getMessage())
    handler.setLevel(logging.WARNING)
    logging.getLogger("graphkit.distributed.compression").addHandler(handler)
    for options in runs:
        if rank != 0:
            options = {k: v for k, v in options.items() if k != "checkpoint_every"}
        config = train_config(
            **RANDOM_PROJECTION, **options, out=out if rank == 0 else None
        )
        graph, data = build_partition(config, rank, world_size)
        Trainer(config, data, graph).fit()
    return warnings


@pytest.mark.distributed
def test_trainer_saves_and_checks_evaluation(tmp_path):
    import json

    out = tmp_path / "run"
    warnings = run_world(fit_then_resume, 2, str(out))
    lines = (out / "metrics.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r.get("eval_compression_ratio") for r in records] == [1.0, 1.0, None]
    assert [r["compression_ratio"] for r in records] == [16.0, 16.0, 16.0]
    state = torch.load(out / "checkpoint_000002.pt", weights_only=True)
    assert state["compression"]["evaluation"] == "exact"
    assert json.loads(state["config"])["compression_eval"] == "exact"
    # Rank 0 alone warns. The codec and schedule match the checkpoint's, so there is
    # no schedule-change warning.
    expected = (
        "the checkpoint was written with compression_eval='exact' but this run has "
        "compression_eval='compressed'. The best validation score restored from the "
        "checkpoint was measured with exact halo rows and the scores of the next "
        "epochs with compressed ones, so the best epoch compares scores of both kinds"
    )
    assert warnings == [[expected], []]
