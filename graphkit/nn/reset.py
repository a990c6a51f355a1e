"""Re-initialisation of a module tree through each module's own ``reset_parameters``."""

from __future__ import annotations

from torch import nn


def reset_module(module: nn.Module) -> None:
    """Call ``reset_parameters()`` on ``module``, or else on each child, recursively.

    The recursion stops at the first module on each branch that has the method. A
    graphkit layer thus keeps its own initialisation, because torch's default
    initialisation never reaches its inner ``nn.Linear``.
    """
    reset = getattr(module, "reset_parameters", None)
    if callable(reset):
        reset()
        return
    for child in module.children():
        reset_module(child)
