"""Test that a run resumed from a checkpoint matches the uninterrupted run."""

import pytest
import torch
from graphkit.launch.cli import main
from torch.testing import assert_close

from graphkit.kg import KnowledgeGraph, Ultra, pretrain
from graphkit.kg import train as kg_train
from graphkit.kg.graph_fingerprint import graph_fingerprint, graph_order_fingerprint
from graphkit.kg.train import (
    TrainConfig,
    graph_schedule,
    restore_training_checkpoint,
    schedule_generator,
)

SETTINGS = {
    "steps": 4,
    "batch_size": 4,
    "num_negatives": 3,
    "lr": 1e-2,
    "checkpoint_every": 2,
}


def two_graphs():
    first = KnowledgeGraph.from_named_triples(
        [(f"city{i}", "capital_of", f"country{i}") for i in range(4)]
        + [(f"city{i}", "located_in", f"country{i}") for i in range(4)]
    )
    second = KnowledgeGraph.from_named_triples(
        [("a", "p", "b"), ("b", "p", "c"), ("c", "q", "a"), ("a", "q", "d")]
    )
    return [first, second]


def fresh_model(seed: int) -> Ultra:
    torch.manual_seed(seed)
    return Ultra(dim=8, num_layers=2)


@pytest.fixture(scope="module")
def straight_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("straight")
    model = fresh_model(0)
    losses = pretrain(model, two_graphs(), checkpoint_dir=str(folder), **SETTINGS)
    return model, losses, folder


def test_resumed_run_equals_uninterrupted_run(straight_run, tmp_path):
    model, losses, folder = straight_run
    # Different initial weights, so all state must come from the checkpoint.
    resumed = fresh_model(1)
    resumed_losses = pretrain(
        resumed,
        two_graphs(),
        checkpoint_dir=str(tmp_path),
        resume=folder / "step_2.pth",
        **SETTINGS,
    )
    assert len(resumed_losses) == 2
    assert_close(torch.tensor(resumed_losses), torch.tensor(losses[2:]))
    assert_close(resumed.state_dict(), model.state_dict())
    saved = torch.load(tmp_path / "last.pth", weights_only=True)
    assert saved["step"] == 4
    assert saved["graph_sizes"] == [8, 4]


def test_resume_extends_finished_run(straight_run, tmp_path):
    _, _, folder = straight_run
    model = fresh_model(2)
    settings = {**SETTINGS, "steps": 6}
    losses = pretrain(
        model,
        two_graphs(),
        checkpoint_dir=str(tmp_path),
        resume=folder / "last.pth",
        **settings,
    )
    assert len(losses) == 2
    assert torch.load(tmp_path / "last.pth", weights_only=True)["step"] == 6


@pytest.mark.parametrize("block", [1024, 2])
def test_longer_run_starts_like_shorter(monkeypatch, block):
    # With blocks of 2 steps, 4 and 7 steps draw 2 and 4 blocks of the schedule, which
    # must not shift the stream of the batch sampler.
    monkeypatch.setattr(kg_train, "SCHEDULE_BLOCK", block)
    losses = pretrain(fresh_model(0), two_graphs(), **{**SETTINGS, "steps": 4})
    longer_losses = pretrain(fresh_model(0), two_graphs(), **{**SETTINGS, "steps": 7})
    assert longer_losses[:4] == losses


def test_resume_more_steps_matches_longer(straight_run, tmp_path):
    _, _, folder = straight_run
    longer = fresh_model(0)
    longer_losses = pretrain(longer, two_graphs(), **{**SETTINGS, "steps": 7})

    resumed = fresh_model(1)
    resumed_losses = pretrain(
        resumed,
        two_graphs(),
        checkpoint_dir=str(tmp_path),
        resume=folder / "step_2.pth",
        **{**SETTINGS, "steps": 7},
    )

    assert_close(torch.tensor(resumed_losses), torch.tensor(longer_losses[2:]))
    assert_close(resumed.state_dict(), longer.state_dict())


def test_schedule_prefix_fixed_across_lengths():
    sizes = torch.tensor([3.0, 1.0, 2.0])
    short = graph_schedule(sizes, 5, schedule_generator(7))
    long = graph_schedule(sizes, 3000, schedule_generator(7))
    assert short.tolist() == long[:5].tolist()
    assert long.shape == (3000,)


def test_resume_rejects_finished_run(straight_run):
    _, _, folder = straight_run
    with pytest.raises(ValueError, match="at step 4, but steps=4"):
        pretrain(fresh_model(0), two_graphs(), resume=folder / "last.pth", **SETTINGS)


def test_resume_rejects_weights_only_file(tmp_path):
    weights_only = tmp_path / "weights.pth"
    fresh_model(0).save(weights_only)
    with pytest.raises(
        ValueError, match=r"keys \['optimizer', 'step', 'generator'\] are missing"
    ):
        pretrain(fresh_model(0), two_graphs(), resume=weights_only, **SETTINGS)


def test_cli_resume_matches_uninterrupted_run(tmp_path):
    graph = tmp_path / "triples.tsv"
    graph.write_text("".join(f"x{i}\tr{i % 2}\tx{(i + 1) % 5}\n" for i in range(5)))
    start, other = tmp_path / "start.pth", tmp_path / "other.pth"
    fresh_model(0).save(start)
    fresh_model(1).save(other)  # --checkpoint is ignored when --resume is given.
    common = ["--graph", str(graph), "--batch-size", "2", "--negatives", "2"]

    def train(out, *extra):
        return main(["kg", "finetune", *common, "--out", str(tmp_path / out), *extra])

    assert train("full", "--checkpoint", str(start), "--steps", "3") == 0
    first = ["--checkpoint", str(start), "--steps", "3", "--checkpoint-every", "1"]
    assert train("part", *first) == 0
    resume = ["--checkpoint", str(other), "--steps", "3"]
    assert (
        train("again", *resume, "--resume", str(tmp_path / "part" / "step_1.pth")) == 0
    )
    full = torch.load(tmp_path / "full" / "last.pth", weights_only=True)
    again = torch.load(tmp_path / "again" / "last.pth", weights_only=True)
    assert_close(again["model"], full["model"])
    with pytest.raises(SystemExit, match="file not found"):
        train("none", *resume, "--resume", str(tmp_path / "missing.pth"))


def restore_into_fresh_run(folder, **changes):
    config = TrainConfig(**{**SETTINGS, **changes})
    model = fresh_model(0)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=config.lr, weight_decay=config.weight_decay
    )
    generator = torch.Generator()
    step = restore_training_checkpoint(
        folder / "step_2.pth", model, optimizer, generator, config, [8, 4]
    )
    return step, optimizer


def test_resume_applies_new_learning_rate(straight_run, caplog):
    _, _, folder = straight_run
    step, optimizer = restore_into_fresh_run(folder, lr=1e-3, weight_decay=0.5)
    assert step == 2
    assert optimizer.param_groups[0]["lr"] == 1e-3
    assert optimizer.param_groups[0]["weight_decay"] == 0.5
    assert "lr=0.01 -> 0.001, weight_decay=0.01 -> 0.5" in caplog.text


def test_resume_same_settings_no_warning(straight_run, caplog):
    _, _, folder = straight_run
    _, optimizer = restore_into_fresh_run(folder)
    assert optimizer.param_groups[0]["lr"] == SETTINGS["lr"]
    assert "other settings" not in caplog.text


def test_earlier_schedule_checkpoint_warns(straight_run, tmp_path, caplog):
    _, _, folder = straight_run
    payload = torch.load(folder / "step_2.pth", weights_only=True)
    assert payload["schedule_version"] == 2
    del payload["schedule_version"]  # as written before the schedule had a version
    torch.save(payload, tmp_path / "step_2.pth")
    restore_into_fresh_run(tmp_path)
    assert "ordered the graphs differently" in caplog.text
    assert str(tmp_path / "step_2.pth") in caplog.text


def test_current_schedule_checkpoint_quiet(straight_run, caplog):
    _, _, folder = straight_run
    restore_into_fresh_run(folder)
    assert "ordered the graphs differently" not in caplog.text


def test_checkpoint_stores_graph_fingerprints(straight_run):
    _, _, folder = straight_run
    saved = torch.load(folder / "step_2.pth", weights_only=True)
    assert saved["graph_fingerprints"] == [graph_fingerprint(g) for g in two_graphs()]


def test_fingerprint_ignores_fact_order():
    facts = [("a", "p", "b"), ("b", "p", "c"), ("c", "q", "a")]
    graph = KnowledgeGraph.from_named_triples(facts)
    shuffled = KnowledgeGraph(
        graph.triples.flip(0), graph.entity_names, graph.relation_names
    )
    assert graph_fingerprint(shuffled) == graph_fingerprint(graph)


def test_fingerprint_changes_with_one_fact():
    graph = KnowledgeGraph.from_named_triples([("a", "p", "b"), ("b", "q", "c")])
    other = KnowledgeGraph.from_named_triples([("a", "p", "b"), ("c", "q", "b")])
    assert other.num_entities == graph.num_entities
    assert other.num_relations == graph.num_relations
    assert graph_fingerprint(other) != graph_fingerprint(graph)


def test_resume_rejects_other_graph_same_sizes(straight_run, tmp_path):
    _, _, folder = straight_run
    first, second = two_graphs()
    # The swapped graph has the second graph's 4 entities, 2 relations and 4 facts,
    # with one fact reversed.
    swapped = KnowledgeGraph.from_named_triples(
        [("a", "p", "b"), ("c", "p", "b"), ("c", "q", "a"), ("a", "q", "d")]
    )
    assert swapped.num_entities == second.num_entities
    assert swapped.num_relations == second.num_relations
    assert swapped.num_facts == second.num_facts
    with pytest.raises(ValueError) as caught:
        pretrain(
            fresh_model(0),
            [first, swapped],
            checkpoint_dir=str(tmp_path),
            resume=folder / "step_2.pth",
            **SETTINGS,
        )

    # The message lists the checkpoint's fingerprints, then this run's.
    message = str(caught.value)
    first_print, second_print = graph_fingerprint(first), graph_fingerprint(second)
    assert f"{first_print} (8 facts), {second_print} (4 facts)" in message
    assert f"{first_print} (8 facts), {graph_fingerprint(swapped)} (4 facts)" in message
    assert "Pass the graphs that the checkpoint was trained on" in message
    assert "without resume in another checkpoint_dir" in message


def test_resume_rejects_fewer_graphs(straight_run, tmp_path):
    _, _, folder = straight_run
    first, _ = two_graphs()
    with pytest.raises(ValueError, match="trained on other graphs"):
        pretrain(
            fresh_model(0),
            [first],
            checkpoint_dir=str(tmp_path),
            resume=folder / "step_2.pth",
            **SETTINGS,
        )


def resume_without_keys(straight_run, tmp_path, keys):
    """Resume from ``step_2.pth`` with ``keys`` removed; return the file and model."""
    _, _, folder = straight_run
    payload = torch.load(folder / "step_2.pth", weights_only=True)
    for key in keys:
        del payload[key]
    old = tmp_path / "old" / "step_2.pth"
    old.parent.mkdir()
    torch.save(payload, old)
    resumed = fresh_model(1)
    pretrain(
        resumed,
        two_graphs(),
        checkpoint_dir=str(tmp_path / "run"),
        resume=old,
        **SETTINGS,
    )
    return old, resumed


def test_checkpoint_without_fingerprints_resumes(straight_run, tmp_path, caplog):
    # Checkpoints that older graphkit versions wrote lack these keys.
    keys = ("graph_fingerprints", "graph_order_fingerprints")
    old, resumed = resume_without_keys(straight_run, tmp_path, keys)
    assert_close(resumed.state_dict(), straight_run[0].state_dict())
    assert "contains no graph fingerprints" in caplog.text
    assert str(old) in caplog.text


def reordered(graph):
    """Return ``graph`` with its facts in reverse row order."""
    return KnowledgeGraph(graph.triples.flip(0), graph.entity_names, graph.relation_names)


def test_order_fingerprint_changes_with_fact_order():
    facts = [("a", "p", "b"), ("b", "p", "c"), ("c", "q", "a")]
    graph = KnowledgeGraph.from_named_triples(facts)
    assert graph_order_fingerprint(reordered(graph)) != graph_order_fingerprint(graph)
    assert graph_order_fingerprint(reordered(reordered(graph))) == graph_order_fingerprint(
        graph
    )


def test_checkpoint_stores_order_fingerprints(straight_run):
    _, _, folder = straight_run
    saved = torch.load(folder / "step_2.pth", weights_only=True)
    assert saved["graph_order_fingerprints"] == [
        graph_order_fingerprint(g) for g in two_graphs()
    ]


def test_resume_reordered_facts_warns(straight_run, tmp_path, caplog):
    _, losses, folder = straight_run
    first, second = two_graphs()
    resumed_losses = pretrain(
        fresh_model(1),
        [reordered(first), second],
        checkpoint_dir=str(tmp_path),
        resume=folder / "step_2.pth",
        **SETTINGS,
    )
    assert len(resumed_losses) == 2
    # The batches are drawn by row, so the losses differ from the uninterrupted run's.
    assert resumed_losses != losses[2:]
    assert str(folder / "step_2.pth") in caplog.text
    assert (
        "training graph 0 (counted from 0) lists its facts in another row order"
        in caplog.text
    )
    assert "draws other batches" in caplog.text


def test_resume_same_fact_order_quiet(straight_run, tmp_path, caplog):
    _, _, folder = straight_run
    pretrain(
        fresh_model(1),
        two_graphs(),
        checkpoint_dir=str(tmp_path),
        resume=folder / "step_2.pth",
        **SETTINGS,
    )
    assert "row order" not in caplog.text


def test_resume_reordered_facts_of_one_graph(tmp_path, caplog):
    first, _ = two_graphs()
    settings = {**SETTINGS, "steps": 2, "checkpoint_every": 1}
    pretrain(fresh_model(0), [first], checkpoint_dir=str(tmp_path / "a"), **settings)
    pretrain(
        fresh_model(0),
        [reordered(first)],
        checkpoint_dir=str(tmp_path / "b"),
        resume=tmp_path / "a" / "step_1.pth",
        **settings,
    )
    assert "the training graph lists its facts in another row order" in caplog.text


def test_checkpoint_without_order_fingerprints_resumes(straight_run, tmp_path, caplog):
    # Checkpoints of graphkit versions that stored only the fact-set fingerprints.
    keys = ("graph_order_fingerprints",)
    old, resumed = resume_without_keys(straight_run, tmp_path, keys)
    assert_close(resumed.state_dict(), straight_run[0].state_dict())
    assert "contains no fact-order fingerprints" in caplog.text
    assert str(old) in caplog.text


def test_cli_resume_rejects_other_graph(tmp_path):
    graph = tmp_path / "triples.tsv"
    graph.write_text("".join(f"x{i}\tr{i % 2}\tx{(i + 1) % 5}\n" for i in range(5)))
    other = tmp_path / "other.tsv"
    other.write_text("".join(f"x{i}\tr{i % 2}\tx{(i + 2) % 5}\n" for i in range(5)))
    start = tmp_path / "start.pth"
    fresh_model(0).save(start)
    common = ["--checkpoint", str(start), "--batch-size", "2", "--negatives", "2"]
    first = ["--graph", str(graph), "--steps", "2", "--checkpoint-every", "1"]
    assert main(["kg", "finetune", *common, *first, "--out", str(tmp_path / "a")]) == 0
    again = ["--graph", str(other), "--steps", "2", "--out", str(tmp_path / "b")]
    again += ["--resume", str(tmp_path / "a" / "step_1.pth")]
    with pytest.raises(ValueError, match="without --resume in another --out"):
        main(["kg", "finetune", *common, *again])
