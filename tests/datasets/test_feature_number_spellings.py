"""Feature and edge-weight values must be plain ASCII numbers, as node ids are.

float() reads ``1_0`` as 10 and Arabic-Indic digits as numbers, so a typo or a
column of names would otherwise load as features without an error.
"""

import pytest
from graphkit.datasets import load_edge_list
from graphkit.datasets.errors import MalformedLineError


@pytest.fixture
def edges(tmp_path):
    path = tmp_path / "edges.txt"
    path.write_text("0 1\n1 2\n")
    return path


@pytest.mark.parametrize("value", ["1_0", "\u0663", "\uff11"])
def test_feature_spelling_rejected(tmp_path, edges, value):
    features = tmp_path / "features.txt"
    features.write_text(f"0 1.0 2.0\n1 2.0 {value}\n2 3.0 4.0\n")
    with pytest.raises(MalformedLineError) as error:
        load_edge_list(edges, features=features)
    message = str(error.value)
    assert message.startswith(f"{features}:2: value {value!r} is not a number")
    assert f"line content: '1 2.0 {value}'" in message


@pytest.mark.parametrize("value", ["1_0", "\u0663"])
def test_edge_weight_spelling_rejected(tmp_path, value):
    edges = tmp_path / "edges.txt"
    edges.write_text(f"0 1 0.5\n1 2 {value}\n")
    with pytest.raises(MalformedLineError) as error:
        load_edge_list(edges)
    assert str(error.value).startswith(f"{edges}:2: value {value!r} is not a number")


def test_plain_features_loaded(tmp_path, edges):
    features = tmp_path / "features.txt"
    features.write_text("0 1e3 -2\n1 nan inf\n2 .5 +7\n")
    data = load_edge_list(edges, features=features)
    assert data.x[0].tolist() == [1000.0, -2.0]
    assert data.x[2].tolist() == [0.5, 7.0]
    assert data.x[1].isnan()[0]
    assert data.x[1].isinf()[1]
