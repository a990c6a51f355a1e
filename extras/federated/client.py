"""Client model and local training with optional representation matching.

Representation matching makes the features of the round's global model a learned
linear function of the client's features. While training locally, client c minimises

.. math::
    \\mathcal{L}_c = \\mathrm{CE}(f_{local}(x), y) + \\lambda \\sum_l \\frac{1}{d_l}
        \\bigl\\| h_l^{global}(x) - P_{c,l}\\, h_l^{local}(x) \\bigr\\|^2

over its minibatches. Here h_l are the matched features (width d_l) of layer l, which
is a hidden layer or the logits. The global model is a frozen copy of the round's
starting weights. The maps P_{c,l} start at the identity, train jointly with the local
model and stay on the client between rounds unless reset. Only the model weights go to
the server. Options select the matched features (hidden layers, logits or both), a
separate SGD for the maps, per-dimension scaling of the error, and frozen maps P = I
(the feature-distillation ablation).

NOTE: the abstract of arXiv:1912.13075 states the goal, global features derivable from
local features. The squared-error form with per-layer linear maps is a reconstruction
that was not checked against the paper body.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Sequence

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


def matching_maps(model: MLP, layers: tuple[int, ...] | None = None) -> nn.ModuleList:
    """Build one identity-initialised linear map per matched layer of ``model``.

    Args:
        model (MLP): the client model.
        layers (tuple[int, ...], optional): indices into the features of
            :func:`features` (hidden layers, then the logits last). Default: every
            hidden layer.

    Raises:
        ValueError: if an index in ``layers`` is outside that range.

    NOTE: with the maps kept across rounds in the model's optimiser (``map_lr=None``
    in :func:`local_train`) and lambda = 1, trials diverged (NaN) at lr 0.6 and when
    the logits were matched as well. The default (logits, lambda = 0.02, map SGD at
    0.01) stayed finite at every rate of the default grid, up to 0.6.
    """
    widths = model.hidden_sizes + [model.layers[-1].out_features]
    if layers is None:
        layers = tuple(range(len(model.hidden_sizes)))
    maps = nn.ModuleList()
    for index in layers:
        if not 0 <= index < len(widths):
            raise ValueError(
                f"matched layer {index} does not exist: use 0 to {len(widths) - 1} "
                f"(hidden layers, then {len(widths) - 1} for the logits)"
            )
        layer = nn.Linear(widths[index], widths[index], bias=False)
        nn.init.eye_(layer.weight)
        maps.append(layer)
    return maps


def features(
    logits: torch.Tensor, hidden: list[torch.Tensor], layers: tuple[int, ...] | None
) -> list[torch.Tensor]:
    """Select the matched features at ``layers`` from ``hidden`` plus ``logits``.

    The logits are the last entry. ``layers=None`` selects every hidden layer.
    """
    every = hidden + [logits]
    if layers is None:
        return hidden
    return [every[i] for i in layers]


def ridge_maps(
    global_hidden: list[torch.Tensor], local_hidden: list[torch.Tensor], ridge: float
) -> list[Callable[[torch.Tensor], torch.Tensor]]:
    """Fit each layer's map P_l in closed form by ridge regression toward the identity.

    Per layer, with S = h_l^local and T = h_l^global stacked over the batch (n rows),

    .. math::
        P_l = \\arg\\min_P \\tfrac{1}{n} \\| T - S P^\\top \\|_F^2
            + \\rho \\| P - I \\|_F^2,\\qquad
        P_l^\\top = I + (S^\\top S / n + \\rho I)^{-1} S^\\top (T - S) / n.

    While the local features still equal the global ones, as at the start of every
    round, the identity prior gives P = I and so zero loss. Both S and T are detached,
    so the returned maps are constants and the matching gradient reaches only the local
    model. The result is the exact minimiser of the map's part of the loss, so the
    map's own optimisation no longer affects the outcome.

    Args:
        global_hidden, local_hidden (list[torch.Tensor]): per layer, (n, d_l) features.
        ridge (float): rho > 0, the penalty on P - I.

    Returns:
        list: per layer, a function that applies P_l to (n, d_l) features.
    """
    maps = []
    for target, source in zip(global_hidden, local_hidden):
        target, source = target.detach(), source.detach()
        n, width = source.shape
        eye = torch.eye(width, dtype=source.dtype)
        gram = source.T @ source / n + ridge * eye
        transposed = eye + torch.linalg.solve(gram, source.T @ (target - source) / n)
        maps.append(lambda h, m=transposed: h @ m)
    return maps


def matching_loss(
    global_hidden: list[torch.Tensor],
    local_hidden: list[torch.Tensor],
    maps: Sequence[Callable[[torch.Tensor], torch.Tensor]],
    normalize: bool = False,
) -> torch.Tensor:
    """Compute ``sum_l mean_batch ||(h_l^g - P_l h_l^loc) / s_l||^2 / d_l`` (module doc).

    Args:
        global_hidden, local_hidden (list[torch.Tensor]): per layer, (B, d_l) features.
        maps (Sequence): per layer, the (d_l, d_l) map P_l, an ``nn.Linear`` of
            :func:`matching_maps` or a function of :func:`ridge_maps`.
        normalize (bool, default False): divide dimension j by
            s_lj = sqrt(mean_batch (h_lj^g)^2 + mean_{batch,k} (h_lk^g)^2). This is the
            root mean square of the global feature with the layer's mean square
            added, so that dead dimensions are not amplified. Otherwise s_l = 1.
    """
    total = torch.zeros(())
    for target, source, projection in zip(global_hidden, local_hidden, maps):
        error = target - projection(source)
        if normalize:
            square = target.detach().pow(2)
            error = error / torch.sqrt(square.mean(0) + square.mean() + 1e-12)
        total = total + error.pow(2).sum(1).mean() / target.shape[1]
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
    momentum: float = 0.0,
    layers: tuple[int, ...] | None = None,
    map_lr: float | None = None,
    normalize: bool = False,
    map_ridge: float | None = None,
) -> MLP:
    """Train a copy of ``global_model`` on one client's data with SGD and return it.

    Args:
        global_model (MLP): the round's global model, left unchanged. Its features
            are targets without gradient.
        x (torch.Tensor): (n, 64) client inputs; y (torch.Tensor): (n,) labels.
        lr (float): SGD learning rate; epochs (int): passes over the client data.
        batch_size (int): minibatch size.
        generator (torch.Generator): minibatch order.
        maps (nn.ModuleList, optional): the client's matching maps, trained in place.
            Map weights that do not require gradient stay frozen, as in the P = I
            ablation.
        matching_weight (float, default 0.0): lambda. A value of 0 gives plain FedAvg
            training.
        momentum (float, default 0.0): SGD momentum. Its buffer starts at zero in
            every call, so in every round.
        layers (tuple[int, ...], optional): matched layers (:func:`features`), one
            per map; default every hidden layer.
        map_lr (float, optional): learning rate of a separate plain SGD for the maps.
            By default the maps share the model's optimiser (``lr``, ``momentum``).
        normalize (bool, default False): per-dimension scaling of
            :func:`matching_loss`.
        map_ridge (float, optional): when set, every minibatch solves its maps in
            closed form (:func:`ridge_maps` with this penalty) instead of training
            ``maps``, which may then be None.
    """
    model = copy.deepcopy(global_model)
    use_matching = matching_weight > 0 and (maps is not None or map_ridge is not None)
    if map_ridge is not None:
        maps = None
    map_params = (
        [p for p in maps.parameters() if p.requires_grad]
        if use_matching and maps is not None
        else []
    )
    params = list(model.parameters())
    optimizers = []
    if map_params and map_lr is not None:
        optimizers.append(torch.optim.SGD(map_params, lr=map_lr))
    else:
        params += map_params
    optimizers.append(torch.optim.SGD(params, lr=lr, momentum=momentum))
    for _ in range(epochs):
        for batch in torch.randperm(len(x), generator=generator).split(batch_size):
            logits, hidden = model(x[batch])
            loss = nn.functional.cross_entropy(logits, y[batch])
            if use_matching:
                with torch.no_grad():
                    target = features(*global_model(x[batch]), layers)
                source = features(logits, hidden, layers)
                batch_maps = (
                    maps if map_ridge is None else ridge_maps(target, source, map_ridge)
                )
                loss = loss + matching_weight * matching_loss(
                    target, source, batch_maps, normalize
                )
            for optimizer in optimizers:
                optimizer.zero_grad()
            loss.backward()
            for optimizer in optimizers:
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
