"""Python API: names in and out, fine-tuning a toy graph, checkpoints and downloads."""

import hashlib
import math

import pytest
import torch
from torch.testing import assert_close

from graphkit.kg import KnowledgeGraph, Ultra, finetune, pretrain
from graphkit.kg.evaluate import AnswerIndex
from graphkit.kg.model import fact_graph
from graphkit.kg.train import (
    adversarial_loss,
    graph_schedule,
    sample_negatives,
    without_easy_edges,
)

NUM_CITIES = 5


def toy_graph():
    """Cities linked to their countries by two relations with the same pairs."""
    rows = [(f"city{i}", "capital_of", f"country{i}") for i in range(NUM_CITIES)]
    rows += [(f"city{i}", "located_in", f"country{i}") for i in range(NUM_CITIES)]
    return KnowledgeGraph.from_named_triples(rows)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    kg = toy_graph()
    torch.manual_seed(0)
    model = Ultra(dim=16, num_layers=2)
    folder = tmp_path_factory.mktemp("checkpoints")
    losses = finetune(
        model,
        kg,
        steps=40,
        batch_size=8,
        num_negatives=4,
        lr=5e-3,
        checkpoint_dir=str(folder),
        checkpoint_every=20,
    )
    return kg, model, folder, losses


def test_finetune_ranks_known_fact_first(trained):
    kg, model, _, losses = trained
    cities = [f"city{i}" for i in range(NUM_CITIES)]
    countries = [f"country{i}" for i in range(NUM_CITIES)]
    tails = model.predict(kg, head=cities, relation="capital_of", k=1)
    heads = model.predict(kg, relation="capital_of", tail=countries, k=1)
    assert [answers[0][0] for answers in tails] == countries
    assert [answers[0][0] for answers in heads] == cities
    assert sum(losses[-10:]) < sum(losses[:10])


def test_predict_single_query_returns_names_and_scores(trained):
    kg, model, _, _ = trained
    answers = model.predict(kg, head="city0", relation="capital_of", k=3)
    assert len(answers) == 3
    assert answers[0][0] == "country0"
    assert all(
        isinstance(name, str) and isinstance(score, float) for name, score in answers
    )
    assert answers[0][1] >= answers[1][1] >= answers[2][1]


def test_predict_mixed_queries_and_exclude_known(trained):
    kg, model, _, _ = trained
    mixed = model.predict(
        kg,
        queries=[("city1", "capital_of", None), (None, "located_in", "country2")],
        k=2,
    )
    assert mixed[0][0][0] == "country1"
    assert mixed[1][0][0] == "city2"
    filtered = model.predict(
        kg, head="city0", relation="capital_of", k=20, exclude_known=True
    )
    assert "country0" not in [name for name, _ in filtered]
    assert len(filtered) == kg.num_entities - 1


def test_score_equals_predict_logit(trained):
    kg, model, _, _ = trained
    best_name, best_score = model.predict(kg, head="city3", relation="capital_of", k=1)[
        0
    ]
    scores = model.score(
        kg, [("city3", "capital_of", best_name), ("city3", "capital_of", "country1")]
    )
    assert_close(scores[0].item(), best_score)
    assert scores[1] < scores[0]


def test_predict_rejects_bad_queries(trained):
    kg, model, _, _ = trained
    with pytest.raises(KeyError, match="entity 'nowhere' is not in the graph"):
        model.predict(kg, head="nowhere", relation="capital_of")
    with pytest.raises(ValueError, match="exactly one of head"):
        model.predict(kg, head="city0", tail="country0", relation="capital_of")


def test_checkpoints_reload(trained):
    kg, model, folder, _ = trained
    assert sorted(p.name for p in folder.iterdir()) == [
        "last.pth",
        "step_20.pth",
        "step_40.pth",
    ]
    payload = torch.load(folder / "last.pth", weights_only=True)
    assert payload["step"] == 40
    assert set(payload) >= {"model", "optimizer", "config"}
    reloaded = Ultra.from_pretrained(folder / "last.pth")
    assert_close(reloaded.score(kg, kg.triples), model.score(kg, kg.triples))


def test_from_pretrained_downloads_once_and_checks_sha256(tmp_path, trained):
    _, model, _, _ = trained
    source = tmp_path / "model.pth"
    model.save(source)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    cache = tmp_path / "cache"
    loaded = Ultra.from_pretrained(source.as_uri(), cache_dir=cache, sha256=digest)
    assert (cache / "model.pth").is_file()
    assert_close(loaded.state_dict(), model.state_dict())
    source.unlink()  # the cached copy is used from now on
    Ultra.from_pretrained(source.as_uri(), cache_dir=cache, sha256=digest)
    other = tmp_path / "other.pth"
    model.save(other, note="changed")
    with pytest.raises(ValueError, match="checksum mismatch"):
        Ultra.from_pretrained(other.as_uri(), cache_dir=cache, sha256=digest)
    assert not (cache / "other.pth").exists()
    with pytest.raises(FileNotFoundError, match="ultra_3g"):
        Ultra.from_pretrained(tmp_path / "missing.pth")


def test_state_dict_matches_released_layout():
    model = Ultra()
    expected = {}
    for i in range(6):
        for network in ("relation_model", "entity_model"):
            prefix = f"{network}.layers.{i}."
            expected[prefix + "layer_norm.weight"] = (64,)
            expected[prefix + "layer_norm.bias"] = (64,)
            expected[prefix + "linear.weight"] = (64, 128)
            expected[prefix + "linear.bias"] = (64,)
        expected[f"relation_model.layers.{i}.relation.weight"] = (4, 64)
        for j in (0, 2):
            expected[f"entity_model.layers.{i}.relation_projection.{j}.weight"] = (
                64,
                64,
            )
            expected[f"entity_model.layers.{i}.relation_projection.{j}.bias"] = (64,)
    expected["entity_model.mlp.0.weight"] = (128, 128)
    expected["entity_model.mlp.0.bias"] = (128,)
    expected["entity_model.mlp.2.weight"] = (1, 128)
    expected["entity_model.mlp.2.bias"] = (1,)
    state = model.state_dict()
    assert {k: tuple(v.shape) for k, v in state.items()} == expected
    assert sum(p.numel() for p in model.parameters()) == 168_705


def test_head_query_conditions_relation_graph_on_original_relation():
    kg = toy_graph()
    torch.manual_seed(1)
    model = Ultra(dim=8, num_layers=2).eval()
    graph = fact_graph(kg)
    source, relation = (
        torch.tensor([kg.entity_id("country2")]),
        kg.relation_id("capital_of"),
    )
    head_scores = model(graph, source, torch.tensor([relation + kg.num_relations]))
    relations = model.relation_model(kg.relation_graph, torch.tensor([relation]))
    hidden, query = model.entity_model.propagate(
        graph, relations, source, torch.tensor([relation + kg.num_relations])
    )
    assert_close(query, relations[0, relation + kg.num_relations].unsqueeze(0))
    assert_close(head_scores, model.entity_model.score(hidden, query))
    other = model.relation_model(
        kg.relation_graph, torch.tensor([relation + kg.num_relations])
    )
    assert not torch.allclose(relations, other)


def test_lean_and_plain_models_agree_with_gradients():
    kg = toy_graph()
    torch.manual_seed(2)
    lean = Ultra(dim=8, num_layers=3, aggregation="lean")
    plain = Ultra(dim=8, num_layers=3, aggregation="plain")
    plain.load_state_dict(lean.state_dict())
    graph = fact_graph(kg)
    sources, index = torch.tensor([0, 1, 3]), torch.tensor([0, 3, 1])
    out_lean, out_plain = lean(graph, sources, index), plain(graph, sources, index)
    assert_close(out_lean, out_plain)
    out_lean.square().sum().backward()
    out_plain.square().sum().backward()
    for (name, a), b in zip(lean.named_parameters(), plain.parameters()):
        assert_close(a.grad, b.grad, msg=name)


def test_adversarial_loss_hand_value():
    logits = torch.tensor([[2.0, 0.0, math.log(3.0)]])
    # negatives weighted by softmax([0, ln 3]) = [1/4, 3/4]; positive weight 1
    softplus = torch.nn.functional.softplus
    expected = (
        softplus(torch.tensor(-2.0)) + 0.25 * math.log(2) + 0.75 * math.log(4)
    ) / 2
    assert_close(adversarial_loss(logits, 1.0), expected)
    uniform = (softplus(torch.tensor(-2.0)) + 0.5 * math.log(2) + 0.5 * math.log(4)) / 2
    assert_close(adversarial_loss(logits, 0.0), uniform)


def test_easy_edges_and_strict_negatives():
    kg = toy_graph()
    graph = fact_graph(kg)
    fact = kg.triples[:1]  # (city0, capital_of, country0)
    reduced = without_easy_edges(graph, fact)
    assert reduced.edge_index.size(1) == graph.edge_index.size(1) - 2
    remaining = set(
        zip(
            reduced.edge_index[0].tolist(),
            reduced.edge_type.tolist(),
            reduced.edge_index[1].tolist(),
        )
    )
    h, r, t = fact[0].tolist()
    assert (h, r, t) not in remaining
    assert (t, r + kg.num_relations, h) not in remaining
    assert (h, kg.relation_id("located_in"), t) in remaining
    known = AnswerIndex.build(kg.triples, kg.num_relations)
    negatives = sample_negatives(
        torch.tensor([h]),
        torch.tensor([r]),
        kg.num_entities,
        200,
        known,
        torch.Generator().manual_seed(0),
    )
    assert t not in negatives.tolist()


def test_graph_schedule_follows_sizes():
    schedule = graph_schedule(
        torch.tensor([100.0, 300.0]), 4000, torch.Generator().manual_seed(0)
    )
    assert abs(schedule.float().mean().item() - 0.75) < 0.03


def test_pretrain_on_two_graphs(tmp_path):
    first = toy_graph()
    second = KnowledgeGraph.from_named_triples(
        [("a", "p", "b"), ("b", "p", "c"), ("c", "q", "a")]
    )
    torch.manual_seed(0)
    model = Ultra(dim=8, num_layers=2)
    losses = pretrain(
        model,
        [first, second],
        steps=6,
        batch_size=4,
        num_negatives=2,
        checkpoint_dir=str(tmp_path),
    )
    assert len(losses) == 6
    assert all(math.isfinite(x) for x in losses)
    assert (tmp_path / "last.pth").is_file()
    saved = torch.load(tmp_path / "last.pth", weights_only=True)
    assert saved["step"] == 6
    assert saved["graph_sizes"] == [first.triples.size(0), second.triples.size(0)]
    assert_close(saved["model"], model.state_dict())


def test_pretrain_passes_optimizer_settings(tmp_path):
    torch.manual_seed(0)
    model = Ultra(dim=8, num_layers=2)
    pretrain(
        model,
        [toy_graph()],
        steps=1,
        batch_size=4,
        num_negatives=2,
        lr=0.003,
        weight_decay=0.25,
        checkpoint_dir=str(tmp_path),
    )
    saved = torch.load(tmp_path / "last.pth", weights_only=True)
    (group,) = saved["optimizer"]["param_groups"]
    assert group["lr"] == 0.003
    assert group["weight_decay"] == 0.25


@pytest.mark.parametrize("strict", [True, False])
def test_pretrain_strict_negatives_setting(monkeypatch, strict):
    # Strict negatives avoid the known answers, so the sampler gets the answer index.
    from graphkit.kg import train

    indexes = []

    def record(sources, query_index, num_entities, num_negatives, known, generator):
        indexes.append(known)
        return sample_negatives(
            sources, query_index, num_entities, num_negatives, known, generator
        )

    monkeypatch.setattr(train, "sample_negatives", record)
    model = Ultra(dim=8, num_layers=2)
    pretrain(
        model,
        [toy_graph()],
        steps=2,
        batch_size=4,
        num_negatives=2,
        strict_negatives=strict,
    )
    assert len(indexes) == 2
    for known in indexes:
        assert isinstance(known, AnswerIndex) is strict


def test_predict_head_query_ranks_inverse_relation():
    # (?, capital_of, country2) is scored as the tail query (country2, capital_of^-1, ?),
    # whose query index is capital_of + R.
    kg = toy_graph()
    torch.manual_seed(3)
    model = Ultra(dim=8, num_layers=2).eval()
    answers = model.predict(
        kg, relation="capital_of", tail="country2", k=kg.num_entities
    )
    source = torch.tensor([kg.entity_id("country2")])
    inverse = torch.tensor([kg.relation_id("capital_of") + kg.num_relations])
    with torch.no_grad():
        logits = model(fact_graph(kg), source, inverse)[0]
    got = torch.tensor([score for _, score in answers])
    expected = logits[[kg.entity_id(name) for name, _ in answers]]
    assert_close(got, expected)
    assert answers[0][0] == kg.entity_names[int(logits.argmax())]


def test_adversarial_loss_temperature_divides_logits():
    logits = torch.tensor([[2.0, 0.0, math.log(3.0)]])
    # temperature 0.5: softmax([0, 2 ln 3]) = softmax([0, ln 9]) = [1/10, 9/10]
    softplus = torch.nn.functional.softplus
    expected = (
        softplus(torch.tensor(-2.0)) + 0.1 * math.log(2) + 0.9 * math.log(4)
    ) / 2
    assert_close(adversarial_loss(logits, 0.5), expected)


def test_adversarial_weights_carry_no_gradient():
    # The negative weights [1/4, 3/4] and their normaliser 1 + 1/4 + 3/4 = 2 are
    # constants, so d loss / d z_j = w_j (sigmoid(z_j) - target_j) / 2, where
    # sigmoid(0) = 1/2 and sigmoid(ln 3) = 3/4.
    logits = torch.tensor([[2.0, 0.0, math.log(3.0)]], requires_grad=True)
    adversarial_loss(logits, 1.0).backward()
    positive = (torch.sigmoid(torch.tensor(2.0)) - 1) / 2
    expected = torch.tensor([[positive.item(), 0.25 * 0.5 / 2, 0.75 * 0.75 / 2]])
    assert_close(logits.grad, expected)


def test_candidate_scores_match_full_scores():
    # Training scores a few candidates per query. Each row must read its own query's
    # states, so the result equals the columns of the scores over all entities.
    kg = toy_graph()
    torch.manual_seed(4)
    model = Ultra(dim=8, num_layers=2)
    graph = fact_graph(kg)
    sources = torch.tensor([0, 1, 3])
    query_index = torch.tensor([0, 3, 1])
    candidates = torch.tensor([[1, 0, 4], [2, 2, 5], [9, 3, 0]])
    full = model(graph, sources, query_index)
    picked = model(graph, sources, query_index, candidates)
    assert picked.shape == (3, 3)
    assert_close(picked, full.gather(1, candidates))
