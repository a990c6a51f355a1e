"""``help(NICOptions)`` describes every field, as ``help(TrainConfig)`` does."""

import pydoc
from dataclasses import fields

from graphkit.metrics import NICOptions
from graphkit.train.config import field_docs


def test_every_nic_field_documented():
    docs = field_docs(NICOptions)
    missing = [f.name for f in fields(NICOptions) if not docs.get(f.name)]
    assert missing == []


def test_nic_options_help_text():
    text = " ".join(pydoc.render_doc(NICOptions, renderer=pydoc.plaintext).split())
    assert "Settings of the NIC estimator" in text
    assert "bins (int | None): Levels per class" in text
    assert "hops (int): Neighbourhood radius K" in text
    assert "correction (str): Bias correction" in text
    assert "(default: ``'permutation'``)" in text
