"""finetune checks the model and the config before the first step."""

from __future__ import annotations

import pytest
import torch

from graphkit.kg import KnowledgeGraph, TrainConfig, Ultra, finetune


def one_fact() -> KnowledgeGraph:
    return KnowledgeGraph.from_named_triples([("a", "r", "b")])


def small_model() -> Ultra:
    torch.manual_seed(0)
    return Ultra(dim=8, num_layers=2)


def test_frozen_model_rejected():
    model = small_model()
    model.requires_grad_(False)
    before = [p.clone() for p in model.parameters()]
    with pytest.raises(ValueError) as error:
        finetune(model, one_fact(), steps=1, batch_size=2, num_negatives=2)
    message = str(error.value)
    assert message.startswith("every parameter of the model has requires_grad=False")
    assert "model.requires_grad_(True)" in message
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))


def test_partly_frozen_model_trains():
    model = small_model()
    model.relation_model.requires_grad_(False)
    frozen_before = [p.clone() for p in model.relation_model.parameters()]
    trained_before = [p.clone() for p in model.entity_model.parameters()]
    losses = finetune(model, one_fact(), steps=1, batch_size=2, num_negatives=2)
    assert len(losses) == 1
    # The step leaves the frozen relation model as it was and moves the entity model.
    frozen_after = list(model.relation_model.parameters())
    assert all(torch.equal(a, b) for a, b in zip(frozen_before, frozen_after))
    trained_after = list(model.entity_model.parameters())
    assert any(not torch.equal(a, b) for a, b in zip(trained_before, trained_after))


def test_model_none_rejected():
    with pytest.raises(TypeError, match="model must be a torch.nn.Module.*NoneType"):
        finetune(None, one_fact(), steps=1)


def test_dict_config_equals_dataclass():
    settings = {"steps": 2, "batch_size": 2, "num_negatives": 2, "seed": 3}
    from_dict = finetune(small_model(), one_fact(), config=settings)
    from_dataclass = finetune(small_model(), one_fact(), config=TrainConfig(**settings))
    assert from_dict == from_dataclass
    assert len(from_dict) == 2


def test_dict_config_with_overrides():
    losses = finetune(
        small_model(), one_fact(), config={"steps": 5}, steps=1, batch_size=2
    )
    assert len(losses) == 1


def test_dict_config_unknown_keys():
    with pytest.raises(TypeError) as error:
        finetune(small_model(), one_fact(), config={"steps": 1, "epochs": 2, "lr_": 1})
    message = str(error.value)
    assert message.startswith("unknown TrainConfig fields 'epochs', 'lr_'.")
    assert "Valid fields: steps, batch_size" in message


def test_unknown_override_named():
    with pytest.raises(TypeError, match="unknown TrainConfig fields 'epochs'"):
        finetune(small_model(), one_fact(), epochs=2)


def test_config_of_other_type():
    with pytest.raises(TypeError) as error:
        finetune(small_model(), one_fact(), config=[("steps", 1)])
    assert str(error.value) == (
        "config must be a TrainConfig, a dict of its fields or None, got list"
    )
