"""Each training step runs in training mode, also after an evaluation.

Scenario of https://github.com/sgl-project/SpecForge/pull/563: evaluation switched
the model to eval mode and never switched it back, so every later training step ran
without dropout.
"""

from test_trainer import two_block_graph
from torch import nn

from graphkit.graph import LocalGraph
from graphkit.nn.models import GNN
from graphkit.train import TrainConfig, Trainer


class ModeRecorder(nn.Module):
    """GCN with dropout that records, at each forward pass, whether all submodules
    are in training mode (True), all in eval mode (False) or "mixed"."""

    def __init__(self):
        super().__init__()
        self.gnn = GNN("gcn", 8, 8, 2, 2, 0.5)
        self.modes = []

    def forward(self, x, graph):
        modes = {module.training for module in self.modules()}
        self.modes.append(modes.pop() if len(modes) == 1 else "mixed")
        return self.gnn(x, graph)


def test_fit_alternates_train_and_eval_mode():
    data = two_block_graph()
    model = ModeRecorder()
    config = TrainConfig(epochs=3, log_every=100, patience=0)
    trainer = Trainer(config, data, LocalGraph.from_data(data), model)
    trainer.fit()
    # Each epoch runs one training forward pass, then one for evaluation.
    assert model.modes == [True, False] * 3
