"""Registry of ``graphkit.extras`` experiments and the contract each one follows.

An experiment is a Python module, ``extras/<name>.py`` or ``extras/<group>/<name>.py``,
that defines three things. ``Config`` is a ``@dataclass`` with typed fields, checked in
``__post_init__``, and a classmethod ``Config.smoke()`` that returns the variant which
runs in seconds. ``run(config) -> dict[str, float]`` trains, evaluates and returns the
metrics. ``criteria(metrics) -> list[Criterion]`` evaluates the source paper's pass
criteria on those metrics. The module registers itself by
decorating ``run`` (or a class that carries ``Config``, ``run`` and ``criteria`` as
attributes) with ``@register(name, title, summary, issue_group)``, and has one line in
``CATALOG`` with the same arguments. ``discover()`` imports only the modules of
``CATALOG``. A module that fails to import is recorded in ``import_errors()`` and
logged, so that it cannot break the others.
``run_experiment`` builds the config (default or smoke, then ``--set key=value``
overrides parsed by the field's type), times ``run`` and evaluates the criteria. The
``graphkit extras`` command in ``graphkit.launch.cmd_extras`` is a thin layer over these
functions. Its ``list`` action prints ``CATALOG`` through :func:`listing`, which imports
no experiment module.

Each part lives in its own module, and this module re-exports their public names:

- :mod:`graphkit.extras.catalog`: ``CATALOG``.
- :mod:`graphkit.extras.registration`: ``register``, discovery and ``get``.
- :mod:`graphkit.extras.criteria`: ``Criterion``.
- :mod:`graphkit.extras.overrides`: ``--set`` parsing.
- :mod:`graphkit.extras.runs`: ``run_experiment``.
"""

from __future__ import annotations

from graphkit.extras.catalog import CATALOG, EXPERIMENT_MODULES, Listing
from graphkit.extras.criteria import Criterion, at_least, at_most
from graphkit.extras.overrides import apply_overrides, parse_value
from graphkit.extras.registration import (  # noqa: F401 - the two dicts are shared
    _IMPORT_ERRORS,
    _REGISTRY,
    Experiment,
    catalog_names,
    check_name,
    discover,
    get,
    import_errors,
    import_modules,
    list_experiments,
    listing,
    recorded_import_errors,
    register,
    registered_experiments,
)
from graphkit.extras.runs import ExperimentResult, run_experiment

__all__ = [
    "CATALOG",
    "EXPERIMENT_MODULES",
    "Criterion",
    "Experiment",
    "ExperimentResult",
    "Listing",
    "apply_overrides",
    "at_least",
    "at_most",
    "catalog_names",
    "check_name",
    "discover",
    "get",
    "import_errors",
    "import_modules",
    "list_experiments",
    "listing",
    "parse_value",
    "recorded_import_errors",
    "register",
    "registered_experiments",
    "run_experiment",
]
