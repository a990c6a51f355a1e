"""Tie policies of the filtered ranking: pessimistic, optimistic and realistic."""

import pytest
import torch

from graphkit.kg import filtered_ranks, summarize_ranks


def rank(scores, answer=0, known=None, ties="pessimistic"):
    scores = torch.tensor([scores], dtype=torch.float64)
    mask = torch.zeros_like(scores, dtype=torch.bool)
    if known is not None:
        mask[0, known] = True
    return filtered_ranks(scores, torch.tensor([answer]), mask, ties)


def test_three_policies_on_one_tie_band():
    # Answer 0 scores 1.0; one candidate is better and three tie with it.
    scores = [1.0, 2.0, 1.0, 1.0, 1.0, 0.5]
    assert rank(scores, ties="pessimistic").tolist() == [5]
    assert rank(scores, ties="optimistic").tolist() == [2]
    assert rank(scores, ties="realistic").tolist() == [3.5]


def test_filtered_ties_are_not_counted():
    scores = [1.0, 1.0, 1.0, 1.0]
    for ties, expected in [("pessimistic", 3), ("optimistic", 1), ("realistic", 2.0)]:
        assert rank(scores, known=[1], ties=ties).tolist() == [expected]


def test_all_equal_scores():
    # A model that scores every entity equally must not reach MRR 1 by ties.
    scores = torch.zeros(2, 5)
    answers = torch.tensor([0, 3])
    known = torch.zeros(2, 5, dtype=torch.bool)
    pessimistic = filtered_ranks(scores, answers, known)
    realistic = filtered_ranks(scores, answers, known, "realistic")
    assert pessimistic.tolist() == [5, 5]
    assert realistic.tolist() == [3.0, 3.0]
    assert realistic.dtype == torch.float64
    assert summarize_ranks(realistic)["mrr"] == pytest.approx(1 / 3)


@pytest.mark.parametrize("ties", ["pessimistic", "optimistic", "realistic"])
def test_nan_answer_ranks_last(ties):
    nan = float("nan")
    scores = [nan, 0.3, nan, float("-inf"), 0.1]
    assert rank(scores, ties=ties).tolist() == [5]


@pytest.mark.parametrize("ties", ["pessimistic", "optimistic", "realistic"])
def test_nan_candidate_below_minus_inf_answer(ties):
    # NaN ranks below every number, so a -inf answer beats NaN candidates and ties
    # only with the other -inf candidate.
    nan, minus_inf = float("nan"), float("-inf")
    scores = [minus_inf, nan, 0.5, minus_inf, nan]
    expected = {"pessimistic": 3, "optimistic": 2, "realistic": 2.5}[ties]
    assert rank(scores, ties=ties).tolist() == [expected]


def test_unknown_policy_rejected():
    with pytest.raises(ValueError, match="ties must be one of"):
        rank([1.0, 0.0], ties="average")


def test_cli_evaluate_ties_option(tmp_path, capsys):
    import json

    from graphkit.launch.cli import main

    from graphkit.kg import Ultra

    files = {
        "train": "a\tr\tb\nb\tr\tc\nc\ts\ta\nd\ts\te\n",
        "valid": "b\ts\te\n",
        "test": "a\ts\td\n",
    }
    (tmp_path / "toy").mkdir()
    for part, text in files.items():
        (tmp_path / "toy" / f"{part}.txt").write_text(text)
    # With a zero output weight the model scores every entity equally.
    model = Ultra(dim=4, num_layers=1)
    torch.nn.init.zeros_(model.entity_model.mlp[2].weight)
    checkpoint = tmp_path / "model.pth"
    model.save(checkpoint)
    results = {}
    for ties in ("pessimistic", "realistic"):
        out = tmp_path / f"{ties}.json"
        argv = ["kg", "evaluate", "--checkpoint", str(checkpoint), "--root"]
        argv += [str(tmp_path), "--dataset", "toy", "--ties", ties, "--json", str(out)]
        assert main(argv) == 0
        results[ties] = json.loads(out.read_text())
    capsys.readouterr()
    assert results["pessimistic"]["ties"] == "pessimistic"
    # Both queries of (a, s, d) tie with the 4 unfiltered entities.
    assert results["pessimistic"]["mr"] == 5.0
    assert results["realistic"]["mr"] == 3.0
