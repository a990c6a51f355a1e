"""Re-initialisation of the parameters of a module tree, as PyG's ``reset_parameters``."""

from __future__ import annotations

from torch import nn


def reset_module(module: nn.Module) -> None:
    """Call ``reset_parameters()`` on ``module``, or else on each child, recursively.

    The recursion stops at the first module on each branch that has the method, so a
    graphkit layer keeps its own initialisation: its inner ``nn.Linear`` is not reset
    a second time with torch's default initialisation.
    """
    reset = getattr(module, "reset_parameters", None)
    if callable(reset):
        reset()
        return
    for child in module.children():
        reset_module(child)
