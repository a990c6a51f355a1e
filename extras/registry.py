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
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import math
import time
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphkit.hints import did_you_mean

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Listing:
    """An experiment's line in ``graphkit extras list``, available without an import."""

    name: str
    module: str
    title: str
    summary: str
    issue_group: int


# Every experiment, one line each, in the order ``discover()`` imports the modules.
# ``graphkit extras list`` prints these lines and imports nothing, because every
# experiment module imports torch (about 1 CPU s). So each line repeats the arguments
# of its module's ``register(...)`` call, and ``register`` raises when they differ.
_SPIKING = "graphkit.extras.spiking."
_EFFICIENT = "graphkit.extras.efficient."
CATALOG: tuple[Listing, ...] = (
    # spiking networks and local learning
    Listing(
        "surrogate_snn",
        _SPIKING + "surrogate_snn",
        "Surrogate gradient learning in spiking neural networks",
        "LIF network trained by BPTT with a fast-sigmoid surrogate; true derivative fails",
        12,
    ),
    Listing(
        "decolle",
        _SPIKING + "decolle",
        "Synaptic plasticity dynamics for deep continuous local learning (DECOLLE)",
        "3-layer LIF network trained online by fixed random local readouts",
        12,
    ),
    Listing(
        "local_errors",
        _SPIKING + "local_errors",
        "Deep supervised learning using local errors",
        "MLP layers trained only by fixed random local classifiers; vs BP and FA",
        12,
    ),
    Listing(
        "wta_stochastic",
        _SPIKING + "wta_stochastic",
        "A learning framework for winner-take-all networks with stochastic synapses",
        "WTA layers with failing synapses complete the bottom half of digits",
        12,
    ),
    Listing(
        "pipelined_ternary",
        _SPIKING + "pipelined_ternary",
        "Hardware-efficient on-line learning through pipelined truncated-error "
        "backpropagation in binary-state networks",
        "binary MLP learns online with ternary errors through a pipeline; no multiplies",
        12,
    ),
    Listing(
        "temporal_coding",
        _SPIKING + "temporal_coding",
        "Supervised learning based on temporal coding in spiking neural networks",
        "non-leaky IF network trained on closed-form first-spike times",
        12,
    ),
    Listing(
        "quasiperiodic",
        _SPIKING + "quasiperiodic",
        "Stochastic interpretation of quasi-periodic event-based systems",
        "oscillator-driven FSM neurons sample a 6x4 RBM without random numbers",
        12,
    ),
    # efficient inference: quantization, sparsity, token pruning, upsampling
    Listing(
        "mfqat",
        _EFFICIENT + "mfqat",
        "MF-QAT: Multi-Format Quantization-Aware Training for Elastic Inference",
        "MX fake-quant QAT over several formats vs single-format specialists; "
        "Slice-and-Scale",
        11,
    ),
    Listing(
        "dirotq",
        _EFFICIENT + "dirotq",
        "DiRotQ: Rotation-Aware Quantization for 4-bit Diffusion Transformers",
        "PCA + random rotation, top subspace in 16 bit, GPTQ W4A4 on a tiny digits DiT",
        11,
    ),
    Listing(
        "onebit",
        _EFFICIENT + "onebit",
        "Single-bit-per-weight deep CNNs without batch-normalization layers",
        "sign weights with fixed He-scale per layer and shifted ReLU instead of batch norm",
        11,
    ),
    Listing(
        "dsr",
        _EFFICIENT + "dsr",
        "Parameter Efficient Training of Deep CNNs by Dynamic Sparse Reparameterization",
        "global adaptive pruning threshold with cross-layer regrowth vs static sparse "
        "and SET",
        11,
    ),
    Listing(
        "nullhop",
        _EFFICIENT + "nullhop",
        "NullHop: A Flexible CNN Accelerator Based on Sparse Representations of "
        "Feature Maps",
        "sparsity-map + non-zero-value encoding; MACs, cycles, efficiency on a trained "
        "ReLU CNN",
        11,
    ),
    Listing(
        "eas",
        _EFFICIENT + "eas",
        "Early Attentive Sparsification Accelerates Neural Speech Transcription",
        "drop frames by attention received at an early encoder layer; error vs speed-up",
        11,
    ),
    Listing(
        "attn_upsample",
        _EFFICIENT + "attn_upsample",
        "Attention-based Image Upsampling",
        "content-dependent attention kernel vs strided transposed convolution for 2x SR",
        11,
    ),
    # FloorSet, dynamic scene graphs, federated learning
    Listing(
        "floorset",
        "graphkit.extras.floorset.experiment",
        "FloorSet - a VLSI Floorplanning Dataset with Design Constraints of Real-World "
        "SoCs",
        "ICCAD-2026 FloorSet contest evaluator (iccad2026_evaluate.py), revision "
        "2026-04-19, spec v9 on reference, random and baseline layouts; Prime "
        "references also under the FloorSet original evaluator (cost.py "
        "estimate_cost, utils.py checks)",
        13,
    ),
    Listing(
        "dsgdetr",
        "graphkit.extras.dsg.dsgdetr",
        "Exploiting Long-Term Dependencies for Generating Dynamic Scene Graphs",
        "Hungarian tracklets + temporal transformers against a per-frame model on "
        "synthetic video",
        13,
    ),
    Listing(
        "fedrep",
        "graphkit.extras.federated.fedrep",
        "Robust Federated Learning Through Representation Matching and Adaptive "
        "Hyper-parameters",
        "digits over 20 two-class clients: FedAvg, representation matching, "
        "REINFORCE LR",
        13,
    ),
)

# The modules that ``discover()`` imports, in catalog order.
EXPERIMENT_MODULES: tuple[str, ...] = tuple(
    dict.fromkeys(listing.module for listing in CATALOG)
)


@dataclass(frozen=True)
class Criterion:
    """One pass criterion evaluated on a run's metrics.

    Attributes:
        name: short identifier, for example ``"mf_vs_specialist_gap"``.
        value: the measured quantity the criterion tests.
        target_text: the requirement in words, for example ``"<= 1.5 points"``.
        passed: whether ``value`` meets the requirement.
    """

    name: str
    value: float
    target_text: str
    passed: bool


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


@dataclass
class ExperimentResult:
    """Metrics, evaluated criteria and wall time of one experiment run."""

    name: str
    title: str
    issue_group: int
    smoke: bool
    config: dict[str, Any]
    metrics: dict[str, float]
    criteria: list[Criterion]
    seconds: float
    error: str | None = None
    cpu_seconds: float = 0.0

    @property
    def passed(self) -> bool:
        """Whether the run finished and every criterion passed."""
        return self.error is None and all(c.passed for c in self.criteria)

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-serializable dict (non-finite floats become strings)."""
        return {
            "name": self.name,
            "title": self.title,
            "issue_group": self.issue_group,
            "smoke": self.smoke,
            "config": {k: _jsonable(v) for k, v in self.config.items()},
            "metrics": {k: _jsonable(v) for k, v in self.metrics.items()},
            "criteria": [
                {**dataclasses.asdict(c), "value": _jsonable(c.value)}
                for c in self.criteria
            ],
            "passed": self.passed,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "error": self.error,
        }


_UNION_TYPES = (typing.Union, getattr(types, "UnionType", typing.Union))
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
            "differs from its line in CATALOG of graphkit.extras.registry. Make the "
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


def parse_value(text: str, annotation: Any, key: str) -> Any:
    """Convert the command-line text ``text`` to the type ``annotation`` of field ``key``.

    Supports ``int``, ``float``, ``bool`` (true/false/1/0/yes/no), ``str``, ``Literal``,
    ``Optional[T]`` (``none`` gives None) and ``tuple``/``list`` of those, written
    comma-separated (``--set formats=mxint8,mxint4``), optionally in brackets, with
    or without quotes around each item (``['mxint8', 'mxint4']``).
    """
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in _UNION_TYPES:
        if type(None) in args and text.strip().lower() in ("none", "null"):
            return None
        non_none = [a for a in args if a is not type(None)]
        prefix = f"--set {key}={text}: "
        reasons = []
        for option in non_none:
            try:
                return parse_value(text, option, key)
            except ValueError as error:
                reasons.append(str(error).removeprefix(prefix))
        if type(None) in args:
            reasons.append("or none")
        raise ValueError(prefix + ", ".join(reasons))
    if origin is typing.Literal:
        for option in args:
            if str(option) == text:
                return option
        raise ValueError(
            f"--set {key}={text}: expected one of {', '.join(map(str, args))}"
        )
    if origin in (tuple, list):
        stripped = text.strip()
        # Python and YAML write lists in brackets, so "[21, 22]" reads as "21, 22".
        if stripped[:1] + stripped[-1:] in ("[]", "()"):
            stripped = stripped[1:-1]
        items = [_unquote(item.strip()) for item in stripped.split(",") if item.strip()]
        item_type = args[0] if args else str
        values = [parse_value(item, item_type, key) for item in items]
        return tuple(values) if origin is tuple else values
    if annotation is bool:
        lowered = text.strip().lower()
        if lowered in ("true", "1", "yes", "on"):
            return True
        if lowered in ("false", "0", "no", "off"):
            return False
        raise ValueError(f"--set {key}={text}: expected true or false")
    if annotation in (int, float, str):
        try:
            value = annotation(text)
        except ValueError:
            raise ValueError(
                f"--set {key}={text}: expected a value of type {annotation.__name__}"
            ) from None
        # float() accepts "nan", and NaN passes a range check such as ``lr <= 0``
        # because every comparison with NaN is false, so configs would accept it.
        if annotation is float and math.isnan(value):
            raise ValueError(f"--set {key}={text}: NaN is invalid. Give a number.")
        return value
    raise ValueError(
        f"--set {key}: field type {annotation!r} cannot be set from the command line"
    )


def _unquote(item: str) -> str:
    """Remove one pair of matching quotes, as in Python's ``['mxint8', 'mxint4']``."""
    if len(item) >= 2 and item[0] == item[-1] and item[0] in "'\"":
        return item[1:-1]
    return item


def apply_overrides(config: Any, pairs: list[str]) -> Any:
    """Return ``config`` with ``key=value`` overrides applied (re-validated).

    Raises:
        ValueError: a pair without ``=``, an unknown key (the message lists the valid
            keys), a key given twice with different values, or a value that does not
            parse as the field's type.
    """
    if not pairs:
        return config
    hints = typing.get_type_hints(type(config))
    fields = {f.name for f in dataclasses.fields(config) if f.init}
    changes: dict[str, Any] = {}
    texts: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ValueError(
                f"--set {pair!r}: expected key=value, for example "
                f"--set {pair.strip() or 'KEY'}=VALUE"
            )
        key, text = pair.split("=", 1)
        key = key.strip()
        # Keeping the last of two different values silently would run a config that
        # differs from the first value the user wrote.
        if key in texts and texts[key] != text.strip():
            raise ValueError(
                f"--set {key} is given twice, as {key}={texts[key]} and "
                f"{key}={text.strip()}. Give each key once"
            )
        texts[key] = text.strip()
        if key not in fields:
            hint = did_you_mean(key, sorted(fields))
            raise ValueError(
                f"--set {key}: unknown config key for {type(config).__qualname__}"
                f"{hint}; valid keys: {', '.join(sorted(fields))}"
            )
        changes[key] = parse_value(text.strip(), hints[key], key)
    return dataclasses.replace(config, **changes)


def run_experiment(
    name: str,
    smoke: bool = False,
    overrides: list[str] | None = None,
    config: Any = None,
) -> ExperimentResult:
    """Build the config, run the experiment, evaluate its criteria and time the run.

    Args:
        name (str): a registered experiment name.
        smoke (bool, default False): start from ``Config.smoke()`` instead of ``Config()``.
        overrides (list[str], optional): ``key=value`` strings applied on top.
        config (optional): a ready instance of the experiment's ``Config``, used in
            place of the default one. ``smoke`` is then only recorded in the result,
            and ``overrides`` must be empty.

    Raises:
        TypeError: ``overrides`` is one string, or ``config`` is not an instance of
            the experiment's ``Config``.
        ValueError: both ``config`` and ``overrides`` are given, or an override is
            invalid (see :func:`apply_overrides`).
    """
    experiment = get(name)
    name = experiment.name
    if isinstance(overrides, str):
        # Iterating a string would read each character as one key=value pair.
        raise TypeError(
            f"overrides={overrides!r} is one string. Pass a list: [{overrides!r}]"
        )
    if config is None:
        config = apply_overrides(experiment.default_config(smoke), overrides or [])
    elif overrides:
        raise ValueError(
            f"overrides={overrides} cannot change a ready config. Pass either config "
            "or overrides, or use dataclasses.replace(config, ...)"
        )
    elif not isinstance(config, experiment.config_cls):
        expected = experiment.config_cls
        raise TypeError(
            f"config is a {type(config).__module__}.{type(config).__qualname__}, but "
            f"experiment {name!r} needs a {expected.__module__}.{expected.__qualname__}"
        )
    logger.info("running %s (%s)", name, "smoke" if smoke else "full")
    start, cpu_start = time.perf_counter(), time.process_time()
    metrics = {key: float(value) for key, value in experiment.run(config).items()}
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    criteria = list(experiment.criteria(metrics))
    return ExperimentResult(
        name=name,
        title=experiment.title,
        issue_group=experiment.issue_group,
        smoke=smoke,
        config=dataclasses.asdict(config),
        metrics=metrics,
        criteria=criteria,
        seconds=seconds,
        cpu_seconds=cpu_seconds,
    )


def _jsonable(value: Any) -> Any:
    """Replace non-finite floats, also inside lists, tuples and dicts, by strings.

    ``json.dumps`` writes them as NaN and Infinity, which strict JSON parsers reject.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value


def at_least(name: str, value: float, target: float, unit: str = "") -> Criterion:
    """Return a criterion that passes when ``value >= target``."""
    return Criterion(name, float(value), f">= {target:g}{unit}", bool(value >= target))


def at_most(name: str, value: float, target: float, unit: str = "") -> Criterion:
    """Return a criterion that passes when ``value <= target``."""
    return Criterion(name, float(value), f"<= {target:g}{unit}", bool(value <= target))


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
