"""The point labels of the NIC-by-size plot stay inside the axes."""

import math

import pytest

from graphkit.datasets import load_dataset
from graphkit.metrics import build_labelled_graph
from graphkit.metrics.plots import _nic_figure
from graphkit.metrics.summary import NICOptions


@pytest.mark.parametrize("hops", [1, 2])
def test_point_labels_inside_axes(hops):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = load_dataset("synthetic", num_nodes=600, pyg_data=False)
    graph = build_labelled_graph(data.edge_index, data.y)
    figure = _nic_figure(plt, graph, "synthetic", NICOptions(hops=hops))
    try:
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        [axes] = figure.axes
        box = axes.get_window_extent(renderer)
        # A group whose NIC is NaN has no point, and its label is not drawn.
        labels = [text for text in axes.texts if not math.isnan(text.xy[1])]
        assert labels
        for label in labels:
            extent = label.get_window_extent(renderer)
            name = label.get_text()
            assert extent.x0 >= box.x0, name
            assert extent.x1 <= box.x1, name
            assert extent.y0 >= box.y0, name
            assert extent.y1 <= box.y1, name
    finally:
        plt.close(figure)
