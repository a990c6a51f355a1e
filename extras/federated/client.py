"""Client model and local training with optional representation matching.

Representation matching makes the features of the round's global model a learned
linear function of the client's features. While training locally, client c minimises

.. math::
    \\mathcal{L}_c = \\mathrm{CE}(f_{local}(x), y) + \\lambda \\sum_l \\frac{1}{d_l}
        \\bigl\\| h_l^{global}(x) - P_{c,l}\\, h_l^{local}(x) \\bigr\\|^2

over its minibatches, where h_l are the hidden activations (width d_l) of layer l, the
global model is a frozen copy of the round's starting weights, and the maps P_{c,l}
(initialised to the identity) train jointly with the local model and stay on the
client between rounds. Only the model weights go to the server.

NOTE: the abstract of arXiv:1912.13075 states the goal, global features derivable from
local features. The squared-error form with per-layer linear maps is a reconstruction
that was not checked against the paper body.
"""

from __future__ import annotations

import copy
import itertools

import torch
from torch import nn


class MLP(nn.Module):
    """Fully connected classifier that also returns its hidden activations.

    Args:
        sizes (tuple[int, ...], default (64, 128, 64, 10)): layer widths, input first.
    """

    def __init__(self, sizes: tuple[int, ...] = (64, 128, 64, 10)):
        super().__init__()
        self.layers = nn.ModuleList(
            nn.Linear(a, b) for a, b in itertools.pairwise(sizes)
        )

    @property
    def hidden_sizes(self) -> list[int]:
        return [layer.out_features for layer in self.layers[:-1]]

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        hidden = []
        for layer in self.layers[:-1]:
            x = torch.relu(layer(x))
            hidden.append(x)
        return self.layers[-1](x), hidden


def matching_maps(model: MLP) -> nn.ModuleList:
    """Return one identity-initialised linear map per hidden layer of ``model``.

    NOTE: the maps train by plain SGD at the client's learning rate. Trials diverged
    (NaN) at lr 0.6 and when the logits were matched as well. The default grid
    (lr <= 0.3, hidden layers only) stayed finite.
    """
    maps = nn.ModuleList()
    for width in model.hidden_sizes:
        layer = nn.Linear(width, width, bias=False)
        nn.init.eye_(layer.weight)
        maps.append(layer)
    return maps


def matching_loss(
    global_hidden: list[torch.Tensor],
    local_hidden: list[torch.Tensor],
    maps: nn.ModuleList,
) -> torch.Tensor:
    """Return ``sum_l mean_batch ||h_l^g - P_l h_l^loc||^2 / d_l`` (module doc)."""
    total = torch.zeros(())
    for target, source, projection in zip(global_hidden, local_hidden, maps):
        total = (
            total + (target - projection(source)).pow(2).sum(1).mean() / target.shape[1]
        )
    return total


def local_train(
    global_model: MLP,
    x: torch.Tensor,
    y: torch.Tensor,
    lr: float,
    epochs: int,
    batch_size: int,
    generator: torch.Generator,
    maps: nn.ModuleList | None = None,
    matching_weight: float = 0.0,
) -> MLP:
    """Train a copy of ``global_model`` on one client's data with SGD and return it.

    Args:
        global_model (MLP): the round's global model (left unchanged).
        x (torch.Tensor): (n, 64) client inputs; y (torch.Tensor): (n,) labels.
        lr (float): SGD learning rate; epochs (int): passes over the client data.
        batch_size (int): minibatch size.
        generator (torch.Generator): minibatch order.
        maps (nn.ModuleList, optional): the client's matching maps, trained in place.
        matching_weight (float, default 0.0): lambda. A value of 0 gives plain FedAvg
            training.
    """
    model = copy.deepcopy(global_model)
    params = list(model.parameters())
    use_matching = matching_weight > 0 and maps is not None
    if use_matching:
        params += list(maps.parameters())
    optimizer = torch.optim.SGD(params, lr=lr)
    for _ in range(epochs):
        for batch in torch.randperm(len(x), generator=generator).split(batch_size):
            logits, hidden = model(x[batch])
            loss = nn.functional.cross_entropy(logits, y[batch])
            if use_matching:
                with torch.no_grad():
                    _, global_hidden = global_model(x[batch])
                loss = loss + matching_weight * matching_loss(
                    global_hidden, hidden, maps
                )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model


@torch.no_grad()
def mean_loss(model: MLP, x: torch.Tensor, y: torch.Tensor) -> float:
    """Return the mean cross-entropy of ``model`` on (x, y)."""
    return float(nn.functional.cross_entropy(model(x)[0], y))


@torch.no_grad()
def accuracy(model: MLP, x: torch.Tensor, y: torch.Tensor) -> float:
    """Return the fraction of (x, y) that ``model`` classifies correctly."""
    return float((model(x)[0].argmax(1) == y).float().mean())
