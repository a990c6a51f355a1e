"""Load FloorSet-Prime and FloorSet-Lite test layouts from their torch tensor files.

Each layout is a pair of files. ``{prime,lite}data_1.pth`` holds
``[[T0, b2b, p2b, pins_pos]]``: ``T0`` (n x 6) is the area target followed by the
constraint columns fixed, preplaced, MIB group, cluster group and boundary code; ``b2b``
(E x 3) holds block i, block j and the net weight; ``p2b`` (P x 3) holds pin, block and
weight; ``pins_pos`` (n_pins x 2) contains pin coordinates. ``{prime,lite}label_1.pth``
holds ``[[metrics, polygons]]``: the 8 reference metrics ``[area, #pins, #nets, #b2b
nets, #p2b nets, #hard constraints, b2b wire length, p2b wire length]`` and the reference
layout, a list of closed polygons (Prime) or an (n x 5 x 2) tensor of closed rectangles
(Lite). Batched files pad with -1, and the reader drops the padding. A row is padding
when all its entries are -1, and in a 1-D array every -1 entry is padding.

The Prime test split is read straight out of ``PrimeTensorDataTest.tar.gz`` without
unpacking, so a read-only data folder works.
"""

from __future__ import annotations

import io
import logging
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import torch
from graphkit.extras.floorset import geometry
from graphkit.extras.floorset import layout_checks as checks

from graphkit.whole_numbers import WrongTypeError, as_whole_number

logger = logging.getLogger(__name__)

Variant = Literal["prime", "lite"]
BOUNDARY_LEFT, BOUNDARY_RIGHT, BOUNDARY_TOP, BOUNDARY_BOTTOM = 1, 2, 4, 8


@dataclass
class FloorplanCase:
    """One FloorSet layout: the problem (targets, constraints, nets) and its reference.

    Shapes (n blocks, E block-to-block nets, P pin-to-block nets, Q pins):
        area_target (n,), fixed (n,) bool, preplaced (n,) bool, mib (n,) int (0 = none),
        cluster (n,) int (0 = none), boundary (n,) int bit mask (1 left, 2 right, 4 top,
        8 bottom), b2b (E, 3) [i, j, weight], p2b (P, 3) [pin, block, weight],
        pins (Q, 2), metrics (8,), reference: n polygons, each (k, 2) without the
        repeated closing vertex.

    ``area_dtype`` is the numpy name of the dtype of T0 in the data file (float16 in
    Prime, float32 in Lite). The original evaluator compares areas in it.
    """

    name: str
    variant: Variant
    area_target: np.ndarray
    fixed: np.ndarray
    preplaced: np.ndarray
    mib: np.ndarray
    cluster: np.ndarray
    boundary: np.ndarray
    b2b: np.ndarray
    p2b: np.ndarray
    pins: np.ndarray
    metrics: np.ndarray
    reference: list[np.ndarray]
    area_dtype: str = "float16"

    @property
    def num_blocks(self) -> int:
        return int(self.area_target.shape[0])


_AREA_DTYPES = {
    torch.float16: "float16",
    torch.float32: "float32",
    torch.float64: "float64",
}


def _open_polygon(polygon: np.ndarray) -> np.ndarray:
    """Drop padding rows and the repeated closing vertex of one polygon."""
    polygon = polygon[~np.all(polygon == -1, axis=1)]
    if len(polygon) > 1 and np.allclose(polygon[0], polygon[-1]):
        polygon = polygon[:-1]
    return polygon


def _reference_polygons(name: str, polygons: object) -> list[np.ndarray]:
    """Return the label's polygons, padding dropped, each checked to be rectilinear."""
    try:
        items = list(polygons)
    except TypeError:
        items = [polygons]
    reference = []
    for block, value in enumerate(items):
        polygon = checks.tensor(name, f"polygon {block}", value)
        polygon = polygon.detach().to(torch.float64).numpy()
        checks.check_polygon(name, block, polygon)
        polygon = _open_polygon(polygon)
        if len(polygon) == 0:
            continue
        if np.isfinite(polygon).all():
            # NaN vertices are reported with the other non-finite values.
            try:
                rects = geometry.polygon_to_rects(polygon)
            except ValueError as error:
                raise ValueError(
                    f"{name}: the reference polygon of block {block}: {error}. "
                    f"{checks.REPLACE_HINT}"
                ) from None
            if len(rects) == 0:
                # The scoring of the reference layout would reject this block later,
                # in a message that names no label file.
                raise ValueError(
                    f"{name}: the reference polygon of block {block} encloses no "
                    f"area: {polygon.tolist()}. {checks.REPLACE_HINT}"
                )
        reference.append(polygon)
    return reference


def build_case(name: str, variant: Variant, data: list, label: list) -> FloorplanCase:
    """Build a case from the loaded ``data`` and ``label`` objects of one layout.

    Raises:
        ValueError: a part is missing, has the wrong shape, or contains values the
            scoring would misread (see :mod:`graphkit.extras.floorset.layout_checks`).
    """
    t0, b2b, p2b, pins = checks.layout_parts(name, data, "data", checks.DATA_PARTS)
    metrics, polygons = checks.layout_parts(name, label, "label", checks.LABEL_PARTS)
    area_dtype = _AREA_DTYPES.get(getattr(t0, "dtype", None), "float64")
    t0 = checks.table(name, "T0", t0, 6)
    if len(t0) == 0:
        raise ValueError(f"{name}: T0 has no blocks")
    reference = _reference_polygons(name, polygons)
    if len(reference) != len(t0):
        raise ValueError(
            f"{name}: the label contains {len(reference)} polygons for {len(t0)} blocks"
        )
    b2b = checks.table(name, "b2b", b2b, 3)
    p2b = checks.table(name, "p2b", p2b, 3)
    pins = checks.table(name, "pins_pos", pins, 2)
    metrics = checks.tensor(name, "metrics", metrics).detach().to(torch.float64).numpy()
    checks.check_metrics(name, metrics)
    checks.check_finite(
        name,
        (
            ("T0", t0),
            ("b2b", b2b),
            ("p2b", p2b),
            ("pins_pos", pins),
            ("metrics", metrics),
            ("polygons", np.concatenate(reference)),
        ),
    )
    checks.check_constraints(name, t0)
    checks.check_nets(name, b2b, p2b, len(t0), len(pins))
    return FloorplanCase(
        name=name,
        variant=variant,
        area_target=t0[:, 0],
        fixed=t0[:, 1] != 0,
        preplaced=t0[:, 2] != 0,
        mib=t0[:, 3].astype(np.int64),
        cluster=t0[:, 4].astype(np.int64),
        boundary=t0[:, 5].astype(np.int64),
        b2b=b2b,
        p2b=p2b,
        pins=pins,
        metrics=metrics,
        reference=reference,
        area_dtype=area_dtype,
    )


def _load(source, name: str | Path) -> list:
    """Read one torch tensor file. ``name`` is its path, or ``archive:member``.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: the file is empty, truncated or not a torch file. torch.load's own
            error names no file, and for a corrupt file it suggests
            ``weights_only=False``, which would not help.
    """
    try:
        return torch.load(source, weights_only=True, map_location="cpu")
    except FileNotFoundError:
        raise
    except Exception as error:
        # torch raises EOFError, UnpicklingError, RuntimeError and others for a bad
        # file. Only the type is shown, because the text may advise weights_only=False.
        raise ValueError(
            f"{name}: cannot read this FloorSet tensor file ({type(error).__name__}). "
            "It may be truncated or not a torch file. Replace it with a fresh copy of "
            "the FloorSet test data"
        ) from error


class MissingCasesError(ValueError):
    """Some requested block counts have no ``config_N`` entry in the data.

    Attributes:
        missing: the requested block counts that were not found, sorted.
        found: the requested block counts that were found, sorted.
    """

    def __init__(self, source: str | Path, missing: list[int], found: list[int]):
        self.missing = missing
        self.found = found
        super().__init__(
            f"FloorSet cases {missing} are not under {source} (found {found} of "
            "those requested). Pick block counts that have a config_N entry there"
        )


def _check_configs(configs) -> set[int] | None:
    """Return ``configs`` as a set of ints, or raise TypeError for another element type.

    A string such as "21" never equals a block count, so it would select nothing.
    """
    if configs is None:
        return None
    if isinstance(configs, (str, bytes)) or not hasattr(configs, "__iter__"):
        raise TypeError(
            f"configs must be a list of block counts such as [21, 30], got {configs!r}"
        )
    block_counts = set()
    for value in configs:
        if as_whole_number(value, tensors=False) is None:
            raise WrongTypeError(
                f"configs must contain whole block counts such as 21, got {value!r} "
                f"({type(value).__name__})"
            )
        block_counts.add(int(value))
    return block_counts


def _check_all_found(source, requested: set[int] | None, cases: list) -> None:
    """Raise MissingCasesError when a requested block count was not loaded."""
    if requested is None:
        return
    found = {_config_number(case.name) for case in cases}
    missing = sorted(requested - found)
    if missing:
        raise MissingCasesError(source, missing, sorted(requested & found))


def _config_number(name: str) -> int:
    match = re.search(r"config_(\d+)", name)
    return int(match.group(1)) if match else -1


def load_lite(
    root: str | Path, configs: list[int] | None = None
) -> list[FloorplanCase]:
    """Load the Lite layouts under ``root/config_N/lite{data,label}_1.pth``.

    Args:
        root (str | Path): the ``LiteTensorDataTest`` folder.
        configs (list[int], optional): block counts N to load; all found when None.

    Raises:
        MissingCasesError: a block count of ``configs`` has no ``config_N`` folder.
    """
    configs = _check_configs(configs)
    root = Path(root)
    # Only config_N folders. A copy such as config_21_old, or a file, is skipped.
    folders = sorted(
        (
            p
            for p in root.glob("config_*")
            if p.is_dir() and re.fullmatch(r"config_\d+", p.name)
        ),
        key=lambda p: _config_number(p.name),
    )
    if not folders:
        raise FileNotFoundError(
            f"no config_N folders under {root}; expected LiteTensorDataTest"
        )
    cases = []
    for folder in folders:
        if configs is not None and _config_number(folder.name) not in configs:
            continue
        data = _load(folder / "litedata_1.pth", folder / "litedata_1.pth")
        label = _load(folder / "litelabel_1.pth", folder / "litelabel_1.pth")
        cases.append(build_case(f"lite/{folder.name}", "lite", data, label))
    _check_all_found(root, configs, cases)
    return cases


def _prime_files(archive: Path) -> dict[str, bytes | Path]:
    """Map ``config_N/prime{data,label}_1.pth`` to its file path or archived bytes.

    Keys are the last two path parts, so an archive packed with a leading ``./`` or
    without the ``PrimeTensorDataTest/`` folder reads the same.
    """
    if archive.is_dir():
        found = {
            _prime_key(p.relative_to(archive).as_posix()): p
            for p in archive.rglob("*.pth")
        }
        return {key: path for key, path in found.items() if key}
    if not archive.is_file():
        raise FileNotFoundError(
            f"{archive} not found; expected PrimeTensorDataTest.tar.gz"
        )
    files: dict[str, bytes | Path] = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                key = _prime_key(member.name)
                if member.isfile() and key:
                    files[key] = tar.extractfile(member).read()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise ValueError(
            f"{archive}: cannot read the Prime archive ({type(error).__name__}: "
            f"{error}). Replace it with a fresh copy of PrimeTensorDataTest.tar.gz"
        ) from error
    return files


def _prime_key(name: str) -> str:
    """Return ``config_N/FILE.pth`` from a path ending that way, else ``""``."""
    match = re.search(r"(?:^|/)(config_\d+/[^/]+\.pth)$", name)
    return match.group(1) if match else ""


def load_prime(
    archive: str | Path, configs: list[int] | None = None
) -> list[FloorplanCase]:
    """Load Prime layouts from ``PrimeTensorDataTest.tar.gz`` or its unpacked folder.

    Args:
        archive (str | Path): the ``.tar.gz`` file or the ``PrimeTensorDataTest`` folder.
        configs (list[int], optional): block counts N to load; all 100 when None.

    Raises:
        MissingCasesError: a block count of ``configs`` has no ``config_N`` entry.
    """
    configs = _check_configs(configs)
    files = _prime_files(Path(archive))

    def read(key: str) -> list:
        if key not in files:
            raise FileNotFoundError(
                f"{archive}: {key} is missing. Each config_N needs both "
                "primedata_1.pth and primelabel_1.pth"
            )
        source = files[key]
        if isinstance(source, bytes):
            return _load(io.BytesIO(source), f"{archive}:{key}")
        return _load(source, source)

    numbers = sorted(
        {_config_number(k) for k in files if k.endswith("primedata_1.pth")}
    )
    cases = []
    for number in numbers:
        if configs is not None and number not in configs:
            continue
        data = read(f"config_{number}/primedata_1.pth")
        label = read(f"config_{number}/primelabel_1.pth")
        cases.append(build_case(f"prime/config_{number}", "prime", data, label))
    _check_all_found(archive, configs, cases)
    return cases


def load_floorset(
    root: str | Path, variant: Variant, configs: list[int] | None = None
) -> list[FloorplanCase]:
    """Load the ``variant`` test layouts from a folder laid out like the FloorSet repo.

    Args:
        root (str | Path): folder holding ``LiteTensorDataTest/`` and
            ``PrimeTensorDataTest.tar.gz`` (or ``PrimeTensorDataTest/``).
        variant ("prime" | "lite"): which dataset.
        configs (list[int], optional): block counts to load.

    Raises:
        MissingCasesError: a block count of ``configs`` is not in the data.
    """
    root = Path(root)
    if variant == "lite":
        return load_lite(root / "LiteTensorDataTest", configs)
    if variant == "prime":
        folder = root / "PrimeTensorDataTest"
        return load_prime(
            folder if folder.is_dir() else root / "PrimeTensorDataTest.tar.gz", configs
        )
    raise ValueError(f"variant must be 'prime' or 'lite', got {variant!r}")


def synthetic_case(num_blocks: int, seed: int) -> FloorplanCase:
    """Build a FloorSet-like case by slicing a rectangle; its reference has no whitespace.

    The largest rectangle is cut across its longer side at a random fraction in
    [0.3, 0.7] until there are ``num_blocks`` blocks. Block 0 is fixed-shape and block
    1 is preplaced. Blocks touching the outline get the matching boundary codes. Nets
    join random block pairs, and random blocks to pins spread along the outline. The
    reference metrics are measured on the sliced layout.

    Args:
        num_blocks (int): blocks, at least 2.
        seed (int): seed of the cuts, nets and pins.
    """
    if num_blocks < 2:
        raise ValueError(f"num_blocks must be >= 2, got {num_blocks}")
    rng = np.random.default_rng(seed)
    width, height = 100.0, 80.0
    boxes = _slice_rectangle(width, height, num_blocks, rng)
    boxes_array = np.array(boxes)
    reference = [
        np.array([[x, y], [x, y + h], [x + w, y + h], [x + w, y]])
        for x, y, w, h in boxes
    ]
    pairs, b2b = _random_block_nets(num_blocks, rng)
    pins, p2b = _random_pin_nets(num_blocks, width, height, rng)
    fixed = np.zeros(num_blocks, dtype=bool)
    preplaced = np.zeros(num_blocks, dtype=bool)
    fixed[0], preplaced[1] = True, True
    return FloorplanCase(
        name=f"synthetic/{num_blocks}_seed{seed}",
        variant="lite",
        area_target=boxes_array[:, 2] * boxes_array[:, 3],
        fixed=fixed,
        preplaced=preplaced,
        mib=np.zeros(num_blocks, dtype=np.int64),
        cluster=np.zeros(num_blocks, dtype=np.int64),
        boundary=_boundary_codes(boxes_array, width, height),
        b2b=b2b,
        p2b=p2b,
        pins=pins,
        metrics=_reference_metrics(boxes_array, width, height, pairs, b2b, pins, p2b),
        reference=reference,
        area_dtype="float64",
    )


def _slice_rectangle(
    width: float, height: float, num_blocks: int, rng: np.random.Generator
) -> list[tuple[float, float, float, float]]:
    """Cut the largest box across its longer side until there are ``num_blocks``."""
    boxes = [(0.0, 0.0, width, height)]
    while len(boxes) < num_blocks:
        index = max(range(len(boxes)), key=lambda b: boxes[b][2] * boxes[b][3])
        x, y, w, h = boxes.pop(index)
        cut = round(rng.uniform(0.3, 0.7), 2)
        if w >= h:
            boxes += [(x, y, w * cut, h), (x + w * cut, y, w * (1 - cut), h)]
        else:
            boxes += [(x, y, w, h * cut), (x, y + h * cut, w, h * (1 - cut))]
    return boxes


def _boundary_codes(boxes_array: np.ndarray, width: float, height: float) -> np.ndarray:
    """Return each (x, y, w, h) box's bit mask of the outline sides it touches."""
    boundary = np.zeros(len(boxes_array), dtype=np.int64)
    boundary[boxes_array[:, 0] == 0] |= BOUNDARY_LEFT
    boundary[np.isclose(boxes_array[:, 0] + boxes_array[:, 2], width)] |= BOUNDARY_RIGHT
    boundary[np.isclose(boxes_array[:, 1] + boxes_array[:, 3], height)] |= BOUNDARY_TOP
    boundary[boxes_array[:, 1] == 0] |= BOUNDARY_BOTTOM
    return boundary


def _random_block_nets(
    num_blocks: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw block pairs, without self-pairs, and their b2b rows [i, j, weight]."""
    pairs = rng.integers(0, num_blocks, size=(2 * num_blocks, 2))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    b2b = np.column_stack([pairs, rng.uniform(0.01, 0.1, len(pairs))])
    return pairs, b2b


def _random_pin_nets(
    num_blocks: int, width: float, height: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw one pin per block on a random outline side, netted to a random block."""
    side = rng.integers(0, 4, size=num_blocks)
    along = rng.uniform(0, 1, size=num_blocks)
    pins = np.where(
        (side % 2 == 0)[:, None],
        np.column_stack([along * width, (side == 2) * height]),
        np.column_stack([(side == 3) * width, along * height]),
    )
    p2b = np.column_stack(
        [
            np.arange(num_blocks),
            rng.integers(0, num_blocks, num_blocks),
            np.full(num_blocks, 0.05),
        ]
    )
    return pins, p2b


def _reference_metrics(
    boxes_array: np.ndarray,
    width: float,
    height: float,
    pairs: np.ndarray,
    b2b: np.ndarray,
    pins: np.ndarray,
    p2b: np.ndarray,
) -> np.ndarray:
    """Measure the 8 reference metrics, with weighted L1 wire lengths to block centres."""
    num_blocks = len(boxes_array)
    centres = boxes_array[:, :2] + boxes_array[:, 2:] / 2
    b2b_wl = float(
        np.sum(b2b[:, 2] * np.abs(centres[pairs[:, 0]] - centres[pairs[:, 1]]).sum(1))
    )
    pin_rows, block_rows = p2b[:, 0].astype(int), p2b[:, 1].astype(int)
    p2b_wl = float(
        np.sum(p2b[:, 2] * np.abs(pins[pin_rows] - centres[block_rows]).sum(1))
    )
    return np.array(
        [
            width * height,
            num_blocks,
            len(b2b) + len(p2b),
            len(b2b),
            len(p2b),
            2,
            b2b_wl,
            p2b_wl,
        ]
    )
