"""plot_layout frames blocks far from the origin and closes figures on errors."""

from __future__ import annotations

import dataclasses
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from floorset_cases import make_case
from graphkit.extras.floorset import plot
from graphkit.extras.floorset.evaluate import layout_from_boxes

BOXES = [[1000, 2000, 10, 10], [1010, 2000, 10, 10]]


def test_limits_follow_blocks_without_pins(tmp_path, monkeypatch):
    closed = []
    monkeypatch.setattr(plot.plt, "close", lambda figure: closed.append(figure))
    case = make_case(BOXES)
    plot.plot_layout(case, layout_from_boxes(BOXES), tmp_path / "far.png")
    axes = closed[0].axes[0]
    assert axes.get_xlim() == pytest.approx((999.0, 1021.0))
    assert axes.get_ylim() == pytest.approx((1999.0, 2011.0))
    plt.close(closed[0])


def test_limits_include_pins(tmp_path, monkeypatch):
    closed = []
    monkeypatch.setattr(plot.plt, "close", lambda figure: closed.append(figure))
    case = dataclasses.replace(make_case(BOXES), pins=np.array([[990.0, 2005.0]]))
    plot.plot_layout(case, layout_from_boxes(BOXES), tmp_path / "pins.png")
    assert closed[0].axes[0].get_xlim() == pytest.approx((989.0, 1021.0))
    plt.close(closed[0])


def test_failed_save_closes_figure(tmp_path):
    before = set(plt.get_fignums())
    folder = tmp_path / "taken.png"
    folder.mkdir()
    case = make_case(BOXES)
    with pytest.raises(IsADirectoryError, match=re.escape(str(folder))):
        plot.plot_layout(case, layout_from_boxes(BOXES), folder)
    assert set(plt.get_fignums()) == before
