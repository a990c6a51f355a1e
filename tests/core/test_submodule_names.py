"""No package exports a name that is also the name of one of its submodules.

Such a name hides one of the two: ``from package import name`` returns the module
when the package does not bind the function, and ``import package.name as m``
returns the function when it does.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
import types

import torch

import graphkit.metrics.homophily.edge as edge_homophily_module
import graphkit.metrics.informativeness as informativeness_module
import graphkit.metrics.neighbourhood_information as nic_module
from graphkit.metrics import (
    edge_label_informativeness,
    label_informativeness,
    node_label_informativeness,
)

TOP_PACKAGES = [
    "graphkit",
    "graphkit.datasets",
    "graphkit.distributed",
    "graphkit.extras",
    "graphkit.launch",
]

# graphkit.kg binds ``evaluate`` to the function again whenever the submodule
# graphkit.kg.evaluate is set on the package (its _Package class, tested in
# tests/kg/test_kg_lazy_imports.py), and many callers import that module by name.
KNOWN_SHADOWS = {("graphkit.kg", "evaluate")}


def _packages() -> list[types.ModuleType]:
    packages = {}
    for top_name in TOP_PACKAGES:
        top = importlib.import_module(top_name)
        packages[top_name] = top
        for info in pkgutil.walk_packages(top.__path__, f"{top_name}."):
            if info.ispkg:
                packages[info.name] = importlib.import_module(info.name)
    return list(packages.values())


def _exported_names(package: types.ModuleType) -> set[str]:
    names = set(getattr(package, "__all__", ()))
    for name, value in vars(package).items():
        if not name.startswith("_") and not isinstance(value, types.ModuleType):
            names.add(name)
    return names


def test_no_export_hides_submodule():
    shadows = set()
    for package in _packages():
        submodules = {info.name for info in pkgutil.iter_modules(package.__path__)}
        for name in _exported_names(package) & submodules:
            shadows.add((package.__name__, name))
    assert shadows - KNOWN_SHADOWS == set()


def test_label_informativeness_is_edge_version():
    # Path 0-1-2-3 with labels 0, 0, 1, 1, both directions of each edge: the
    # joint class distribution is 1/3 on each diagonal cell and 1/6 off it, with
    # uniform marginals, so LI = I / H = (2/3 ln(4/3) + 1/3 ln(2/3)) / ln 2.
    edge_index = torch.tensor([[0, 1, 2], [1, 2, 3]])
    y = torch.tensor([0, 0, 1, 1])
    expected = (2 / 3 * math.log(4 / 3) + 1 / 3 * math.log(2 / 3)) / math.log(2)

    assert label_informativeness is edge_label_informativeness
    assert math.isclose(label_informativeness(edge_index, y), expected, rel_tol=1e-12)
    assert callable(node_label_informativeness)


def test_submodule_import_gives_module():
    assert isinstance(informativeness_module, types.ModuleType)
    assert isinstance(nic_module, types.ModuleType)
    assert isinstance(edge_homophily_module, types.ModuleType)
    assert callable(nic_module.nic_estimate)
