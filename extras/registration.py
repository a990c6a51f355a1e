"""Registered ``graphkit.extras`` experiments: ``register``, discovery and lookup.

``register`` checks each registration against its line in ``CATALOG``.
``discover()`` imports the modules of ``EXPERIMENT_MODULES`` once, and a module that
fails to import is recorded in ``import_errors()`` and logged instead of raising.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphkit.extras.catalog import CATALOG, EXPERIMENT_MODULES, Listing
from graphkit.extras.criteria import Criterion

from graphkit.hints import did_you_mean

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Experiment:
    """A registered experiment: its description and where its three functions live.

    ``Config``, ``run`` and ``criteria`` are looked up on ``holder`` (the module or the
    decorated class) when used, so a module may define them in any order.
    """

    name: str
    title: str
    summary: str
    issue_group: int
    module: str
    holder: Any = field(repr=False)
    run_fn: Callable[[Any], dict[str, float]] | None = field(default=None, repr=False)

    @property
    def config_cls(self) -> type:
        return self._attribute("Config")

    @property
    def run(self) -> Callable[[Any], dict[str, float]]:
        return self.run_fn or self._attribute("run")

    @property
    def criteria(self) -> Callable[[dict[str, float]], list[Criterion]]:
        return self._attribute("criteria")

    def _attribute(self, attr: str) -> Any:
        value = getattr(self.holder, attr, None)
        if value is None:
            raise TypeError(
                f"experiment {self.name!r} in {self.module}: missing {attr}; "
                "define Config, run and criteria in the experiment module"
            )
        return value

    def default_config(self, smoke: bool = False) -> Any:
        """Build the full-run config, or the smoke variant when ``smoke`` is true."""
        if not smoke:
            return self.config_cls()
        smoke_factory = getattr(self.config_cls, "smoke", None)
        if smoke_factory is None:
            raise AttributeError(
                f"experiment {self.name!r}: {self.config_cls.__qualname__} has no smoke(); "
                "add a classmethod smoke() returning the fast variant"
            )
        return smoke_factory()


_REGISTRY: dict[str, Experiment] = {}
_IMPORT_ERRORS: dict[str, str] = {}
_DISCOVERED = False


def check_name(name: str) -> None:
    """Raise ValueError when ``name`` cannot be an experiment's command-line name."""
    if (
        not name
        or not all(ch.isalnum() or ch in "_-" for ch in name)
        or name != name.lower()
    ):
        raise ValueError(
            f"invalid experiment name {name!r}: use lowercase letters, digits, _ or -"
        )
    if name == "all":
        raise ValueError("'all' is reserved for running every experiment")


def register(name: str, title: str, summary: str, issue_group: int) -> Callable:
    """Register an experiment under ``name``; use as a decorator.

    The decorated object is either the module's ``run`` function, in which case
    ``Config`` and ``criteria`` are taken from the same module, or a class (or other
    object) with ``Config``, ``run`` and ``criteria`` attributes.

    Args:
        name (str): command-line name, lowercase letters, digits, ``_`` and ``-``.
        title (str): the source paper's title.
        summary (str): one line on what the experiment shows.
        issue_group (int): the work item that added the experiment (used to group
            the listing).
    """
    check_name(name)

    def decorator(target: Any) -> Any:
        is_function = callable(target) and not isinstance(target, type)
        holder = importlib.import_module(target.__module__) if is_function else target
        if name in _REGISTRY and _REGISTRY[name].module != target.__module__:
            raise ValueError(
                f"experiment {name!r} registered twice: {_REGISTRY[name].module} "
                f"and {target.__module__}"
            )
        experiment = Experiment(
            name=name,
            title=title,
            summary=summary,
            issue_group=int(issue_group),
            module=target.__module__,
            holder=holder,
            run_fn=target if is_function else None,
        )
        _check_catalog_line(experiment)
        _REGISTRY[name] = experiment
        return target

    return decorator


def _check_catalog_line(experiment: Experiment) -> None:
    """Raise ValueError when ``experiment`` differs from its line in ``CATALOG``.

    ``graphkit extras list`` prints the catalog without importing the modules, so a
    registration that differs from its line would be listed wrongly. Experiments
    without a line (registered by tests, for example) are not checked.
    """
    listed = {listing.name: listing for listing in CATALOG}.get(experiment.name)
    if listed is None:
        return
    registered = Listing(
        experiment.name,
        experiment.module,
        experiment.title,
        experiment.summary,
        experiment.issue_group,
    )
    if registered != listed:
        fields = [
            f"{key}={getattr(registered, key)!r}"
            for key in ("module", "title", "summary", "issue_group")
            if getattr(registered, key) != getattr(listed, key)
        ]
        raise ValueError(
            f"experiment {experiment.name!r} registers {', '.join(fields)}, which "
            "differs from its line in CATALOG of graphkit.extras.catalog. Make the "
            "two agree, because graphkit extras list prints that line"
        )


def listing() -> tuple[list[Listing], dict[str, str]]:
    """Return what ``graphkit extras list`` shows, importing no experiment module.

    The first value contains the ``CATALOG`` lines of the modules in
    ``EXPERIMENT_MODULES`` and the experiments registered so far, sorted by issue group
    and name. The second maps each module that failed to import so far to its error.
    """
    listed = {
        entry.name: entry for entry in CATALOG if entry.module in EXPERIMENT_MODULES
    }
    for e in _REGISTRY.values():
        listed[e.name] = Listing(e.name, e.module, e.title, e.summary, e.issue_group)
    errors = recorded_import_errors()
    available = [entry for entry in listed.values() if entry.module not in errors]
    return sorted(available, key=lambda e: (e.issue_group, e.name)), errors


def catalog_names(module_name: str) -> list[str]:
    """Return the names that ``CATALOG`` lists for ``module_name``, else its last part.

    This names the experiments of a module that failed to import.
    """
    names = [entry.name for entry in CATALOG if entry.module == module_name]
    return names or [module_name.rsplit(".", 1)[-1]]


def discover() -> None:
    """Import every module in ``EXPERIMENT_MODULES`` once; failures are recorded."""
    global _DISCOVERED
    if _DISCOVERED:
        return
    _DISCOVERED = True
    import_modules(EXPERIMENT_MODULES)


def import_modules(module_names: tuple[str, ...] | list[str]) -> None:
    """Import experiment modules; record and log each failure instead of raising it."""
    for module_name in module_names:
        try:
            importlib.import_module(module_name)
            _check_module_experiments(module_name)
        except ModuleNotFoundError as error:
            if error.name and module_name.startswith(error.name):
                logger.debug("experiment module %s not built yet", module_name)
            else:
                logger.warning("cannot import %s: %s", module_name, error)
            _record_import_error(module_name, error)
        except Exception as error:  # noqa: BLE001 - one broken module must not hide others
            logger.warning(
                "cannot import %s: %s: %s", module_name, type(error).__name__, error
            )
            _record_import_error(module_name, error)


def _record_import_error(module_name: str, error: Exception) -> None:
    """Record a failed import and drop the experiments the module registered before it.

    A module that raises after its ``@register`` line is not in ``sys.modules``, and its
    ``Config`` or ``criteria`` may be missing, so its experiment must not run.
    """
    _IMPORT_ERRORS[module_name] = f"{type(error).__name__}: {error}"
    for name, experiment in list(_REGISTRY.items()):
        if experiment.module == module_name:
            del _REGISTRY[name]


def _check_module_experiments(module_name: str) -> None:
    """Raise TypeError when an experiment of ``module_name`` lacks Config or criteria."""
    for name, experiment in list(_REGISTRY.items()):
        if experiment.module == module_name:
            try:
                experiment.config_cls, experiment.criteria  # noqa: B018 - lookup check
            except TypeError:
                del _REGISTRY[name]
                raise


def import_errors() -> dict[str, str]:
    """Return module name -> error message for the modules that failed to import."""
    discover()
    return recorded_import_errors()


def recorded_import_errors() -> dict[str, str]:
    """Return the import errors recorded so far, without calling :func:`discover`."""
    return dict(_IMPORT_ERRORS)


def list_experiments() -> list[Experiment]:
    """Return the registered experiments, sorted by issue group, then by name."""
    discover()
    return registered_experiments()


def registered_experiments() -> list[Experiment]:
    """Return the experiments registered so far, sorted as :func:`list_experiments`.

    Unlike :func:`list_experiments`, this imports no experiment module.
    """
    return sorted(_REGISTRY.values(), key=lambda e: (e.issue_group, e.name))


def get(name: str) -> Experiment:
    """Return the experiment registered as ``name``; raise KeyError listing valid names.

    Case is ignored and ``-`` equals ``_``, so ``"MFQAT"`` finds ``mfqat`` and
    ``"local-errors"`` finds ``local_errors``.
    """
    discover()
    key = name if name in _REGISTRY else name.lower().replace("-", "_")
    if key in _REGISTRY:
        return _REGISTRY[key]
    for module_name, error in _IMPORT_ERRORS.items():
        if key in catalog_names(module_name):
            fix = (
                "Install the package it names"
                if error.startswith("ModuleNotFoundError")
                else "Fix the error in that module"
            )
            raise KeyError(
                f"experiment {key!r} cannot run because its module {module_name} "
                f"failed to import: {error}. {fix}"
            )
    valid = ", ".join(e.name for e in list_experiments()) or "(none)"
    hint = did_you_mean(key, list(_REGISTRY))
    message = f"unknown experiment {name!r}{hint}; registered experiments: {valid}"
    if _IMPORT_ERRORS:
        failed = ", ".join(sorted(_IMPORT_ERRORS))
        message += f"; these experiment modules failed to import: {failed}"
    raise KeyError(message)

