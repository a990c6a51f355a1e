"""Run every ```python block of README.md and docs/*.md in a fresh interpreter.

Each block runs as written, in a temporary working folder, unless ``PRELUDES`` has an
entry for it, keyed by the document and the block's first line. An entry supplies what
the surrounding text gives: code that defines a variable the text describes, small
input files the text names, text substitutions (each keeping the line count) and the
number of ranks to launch with. A placeholder path ``/path/to/`` is always replaced by
the real-data folder named by ``GRAPHKIT_TEST_DATA``, and a block that uses it skips
when that folder is not set. Tracebacks name the document and its line, because the
block is compiled under the document's path at its own line numbers.

Nothing is downloaded: ``http_proxy`` and ``https_proxy`` point at a closed local port,
so an attempted download fails instead of reaching the network.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
# Absolute, because each block runs in a temporary folder, and sys.executable is
# relative when PATH names the virtual environment by a relative path.
PYTHON = os.path.abspath(sys.executable)
DOCUMENTS = [REPOSITORY / "README.md", *sorted((REPOSITORY / "docs").glob("*.md"))]
PLACEHOLDER = "/path/to/"
# Seconds one block may run, including the start of the interpreter and its imports.
TIMEOUT_S = 90
# Port 9 (discard) on loopback: nothing listens there, so a connection is refused.
CLOSED_PROXY = "http://127.0.0.1:9"


@dataclass(frozen=True)
class Block:
    """One ```python block: its document, the line of its opening fence, its code."""

    document: Path
    fence_line: int
    code: str

    @property
    def name(self) -> str:
        return f"{self.document.relative_to(REPOSITORY)}:{self.fence_line}"

    @property
    def first_line(self) -> str:
        return self.code.splitlines()[0]


@dataclass(frozen=True)
class Prelude:
    """Context that the text around a block supplies.

    ``code`` runs before the block, with ``DATA`` bound to the real-data folder (or
    None) and the working folder as the current directory, and the names it defines
    are passed to the block. ``replace`` contains ``(old, new)`` pairs substituted in
    the block, each of which must occur in it. ``needs_data`` skips the block without
    real data. ``ranks`` > 1 launches the block under ``torch.distributed.run`` with
    that many processes, after ``code`` has run once in a separate process.
    """

    code: str = ""
    replace: tuple[tuple[str, str], ...] = ()
    needs_data: bool = False
    ranks: int = 1


SYNTHETIC_DATA = """
from graphkit.datasets import synthetic_csbm
data = synthetic_csbm(num_nodes=2000, seed=0)
"""

TRIPLES = """
Path("triples.tsv").write_text(
    "Paris\\tcapital_of\\tFrance\\n"
    "Berlin\\tcapital_of\\tGermany\\n"
    "Rome\\tcapital_of\\tItaly\\n"
    "Paris\\tlocated_in\\tFrance\\n"
    "Lyon\\tlocated_in\\tFrance\\n"
    "Munich\\tlocated_in\\tGermany\\n"
)
shutil.copy(DATA / "ultra" / "ultra_3g.pth", "ultra_3g.pth")
"""

# A 6-node graph with two classes, in the formats of docs/datasets.md (Edge-list files).
EDGE_LIST_FILES = """
Path("edges.csv").write_text("0,1\\n1,2\\n2,0\\n3,4\\n4,5\\n5,3\\n2,3\\n")
Path("features.csv").write_text("".join(f"{i},{i % 2},{i // 3}\\n" for i in range(6)))
Path("labels.csv").write_text("".join(f"{i},{i // 3}\\n" for i in range(6)))
"""

# The released name "ultra_3g" resolves to this file in the cache, so nothing is fetched.
CACHED_ULTRA = """
cache = Path(os.environ["GRAPHKIT_CACHE"]) / "ultra"
cache.mkdir(parents=True, exist_ok=True)
shutil.copy(DATA / "ultra" / "ultra_3g.pth", cache / "ultra_3g.pth")
"""

# A 120-node graph with 3 classes, stored as the NumPy arrays of docs/own-data.md. Each
# node links to the next two nodes of its class and to one node of the next class.
OWN_ARRAYS = """
import numpy as np
nodes = np.arange(120)
y = nodes % 3
edges = np.concatenate(
    [np.stack([nodes, (nodes + 3) % 120]), np.stack([nodes, (nodes + 6) % 120]),
     np.stack([nodes, (nodes + 1) % 120])], axis=1
)
x = np.random.default_rng(0).normal(size=(120, 8)) + y[:, None]
np.savez("graph.npz", x=x, edges=edges, y=y)
"""

# The Data of docs/own-data.md, built from those arrays as its first node block does.
OWN_DATA = OWN_ARRAYS + """
import torch
from torch_geometric.data import Data
from torch_geometric.transforms import RandomNodeSplit
from torch_geometric.utils import to_undirected
arrays = np.load("graph.npz")
data = Data(
    x=torch.from_numpy(arrays["x"]).float(), y=torch.from_numpy(arrays["y"]).long(),
    edge_index=to_undirected(torch.from_numpy(arrays["edges"]).long()),
)
data = RandomNodeSplit(num_val=0.2, num_test=0.2)(data)
"""

OWN_TRIPLES = """
from graphkit.kg import KnowledgeGraph
kg = KnowledgeGraph.from_named_triples(
    [("Paris", "capital_of", "France"), ("Lyon", "located_in", "France"),
     ("Berlin", "capital_of", "Germany"), ("Munich", "located_in", "Germany")]
)
shutil.copy(DATA / "ultra" / "ultra_3g.pth", "ultra_3g.pth")
"""

PRELUDES: dict[tuple[str, str], Prelude] = {
    ("docs/own-data.md", "from graphkit.kg import Ultra, finetune"): Prelude(
        OWN_TRIPLES, replace=(("steps=100", "steps=10"),), needs_data=True
    ),
    ("docs/own-data.md", "import numpy as np"): Prelude(OWN_ARRAYS),
    (
        "docs/own-data.md",
        "from graphkit.metrics import adjusted_homophily, edge_homophily, nic",
    ): Prelude(OWN_DATA),
    ("docs/own-data.md", "from graphkit.graph import LocalGraph"): Prelude(OWN_DATA),
    ("docs/own-data.md", "from graphkit.distributed import partition_nodes"): Prelude(
        OWN_DATA
    ),
    (
        "docs/own-data.md",
        "from torch_geometric.transforms import RandomLinkSplit",
    ): Prelude(OWN_DATA),
    ("README.md", "from graphkit.distributed import runtime"): Prelude(
        code="""
subprocess.run(
    [sys.executable, "-m", "graphkit.launch", "partition", "--dataset", "cora",
     "--root", str(DATA / "graphs"), "--parts", "2", "--out", "parts/cora-2"],
    check=True,
)
""",
        needs_data=True,
        ranks=2,
    ),
    (
        "README.md",
        "from graphkit.datasets import list_datasets, load_dataset, synthetic_csbm",
    ): Prelude(EDGE_LIST_FILES),
    (
        "README.md",
        "from graphkit.metrics import build_labelled_graph, adjusted_homophily, nic",
    ): Prelude(SYNTHETIC_DATA),
    (
        "README.md",
        "from graphkit.kg import Ultra, evaluate, finetune, load_dataset, load_graph",
    ): Prelude(
        TRIPLES,
        # 100 fine-tuning steps take about 30 s on two CPU cores (an estimate), a sixth
        # of the 3 minutes this file should take. 10 steps run the same code.
        replace=(("steps=100", "steps=10"),),
        needs_data=True,
    ),
    ("docs/datasets.md", "from graphkit.datasets import load_edge_list"): Prelude(
        EDGE_LIST_FILES
    ),
    ("docs/kg.md", "from graphkit.kg import ("): Prelude(CACHED_ULTRA, needs_data=True),
}

HELPERS = "import os, shutil, subprocess, sys\nfrom pathlib import Path"


def extract_blocks(document: Path) -> list[Block]:
    """Return the ```python blocks of a Markdown file, with the line of each fence."""
    lines = document.read_text(encoding="utf-8").splitlines()
    blocks = []
    start = None
    for number, line in enumerate(lines, start=1):
        if start is None and line.strip() == "```python":
            start = number
        elif start is not None and line.strip() == "```":
            code = textwrap.dedent("\n".join(lines[start : number - 1])) + "\n"
            blocks.append(Block(document, start, code))
            start = None
    assert start is None, f"{document}:{start}: the ```python block is never closed"
    return blocks


BLOCKS = [block for document in DOCUMENTS for block in extract_blocks(document)]


def prelude_key(block: Block) -> tuple[str, str]:
    return (str(block.document.relative_to(REPOSITORY)), block.first_line)


def data_root() -> Path | None:
    root = os.environ.get("GRAPHKIT_TEST_DATA")
    return Path(root) if root and Path(root).is_dir() else None


def substitute(block: Block, prelude: Prelude, data: Path | None) -> str:
    """Apply the prelude's replacements and the data placeholder to the block's code."""
    code = block.code
    for old, new in prelude.replace:
        assert old in code, (
            f"{block.name}: the prelude entry replaces {old!r}, which the block no "
            "longer contains. Update PRELUDES in this file"
        )
        code = code.replace(old, new)
    if PLACEHOLDER in code:
        code = code.replace(PLACEHOLDER, f"{data}/")
    assert code.count("\n") == block.code.count("\n"), (
        f"{block.name}: a replacement changed the number of lines"
    )
    return code


def write_script(block: Block, prelude: Prelude, data: Path | None, folder: Path):
    """Write ``block.py``: the prelude, then the block at its document line numbers.

    The prelude runs with the helper modules of ``HELPERS`` and ``DATA``. The block
    gets only the names that the prelude defined, so a missing import in it still fails.
    """
    code = "\n" * block.fence_line + substitute(block, prelude, data)
    setup = f"{HELPERS}\nDATA = {None if data is None else repr(str(data))}\n"
    setup += "DATA = DATA and Path(DATA)\n"
    body = prelude.code if prelude.ranks == 1 else ""
    script = (
        f"{setup}"
        "helpers = dict(globals())\n"
        f"exec(compile({body!r}, '<prelude>', 'exec'), helpers)\n"
        "namespace = {'__name__': '__main__'}\n"
        "namespace.update(\n"
        "    (key, value) for key, value in helpers.items()\n"
        "    if key not in globals() or value is not globals()[key]\n"
        ")\n"
        "code = Path(__file__).with_name('block.txt').read_text()\n"
        f"exec(compile(code, {str(block.document)!r}, 'exec'), namespace)\n"
    )
    (folder / "block.txt").write_text(code)
    (folder / "block.py").write_text(script)
    if prelude.ranks > 1:
        (folder / "setup.py").write_text(setup + prelude.code)


def child_environment(folder: Path) -> dict[str, str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    env["GRAPHKIT_CACHE"] = str(folder / "cache")
    env.pop("GRAPHKIT_DATA", None)
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env[name] = CLOSED_PROXY
    for name in ("no_proxy", "NO_PROXY"):
        env.pop(name, None)
    return env


def run(command: list[str], folder: Path, block: Block) -> None:
    try:
        result = subprocess.run(
            command,
            check=False,
            cwd=folder / "work",
            env=child_environment(folder),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(
            f"{block.name}: the block timed out after {TIMEOUT_S} s. Make it faster or "
            "substitute a smaller value in PRELUDES"
        )
    assert result.returncode == 0, (
        f"{block.name}: exit code {result.returncode} from {' '.join(command)}\n"
        f"{result.stdout[-8000:]}"
    )


@pytest.mark.parametrize("block", BLOCKS, ids=lambda block: block.name)
def test_doc_block_runs(block, tmp_path):
    prelude = PRELUDES.get(prelude_key(block), Prelude())
    data = data_root()
    if data is None and (prelude.needs_data or PLACEHOLDER in block.code):
        pytest.skip(
            "real data not available: set GRAPHKIT_TEST_DATA to the shared data "
            "folder (holding graphs/, kg/, ultra/) to run this test"
        )
    (tmp_path / "work").mkdir()
    write_script(block, prelude, data, tmp_path)
    if prelude.ranks == 1:
        run([PYTHON, str(tmp_path / "block.py")], tmp_path, block)
        return
    run([PYTHON, str(tmp_path / "setup.py")], tmp_path, block)
    launcher = [PYTHON, "-m", "torch.distributed.run", "--standalone"]
    launcher.append(f"--nproc_per_node={prelude.ranks}")
    run([*launcher, str(tmp_path / "block.py")], tmp_path, block)


def test_extract_blocks_lines(tmp_path):
    document = tmp_path / "doc.md"
    document.write_text(
        "text\n```python\nx = 1\n\ny = 2\n```\n```\nshell\n```\n"
        "- item\n\n  ```python\n  z = 3\n  ```\n"
    )
    blocks = extract_blocks(document)
    assert [block.fence_line for block in blocks] == [2, 12]
    assert blocks[0].code == "x = 1\n\ny = 2\n"
    assert blocks[1].code == "z = 3\n"


def test_doc_blocks_found():
    # README.md and docs/*.md contained 11 blocks when this test was written.
    assert len(BLOCKS) >= 11, [block.name for block in BLOCKS]


def test_preludes_match_blocks():
    keys = {prelude_key(block) for block in BLOCKS}
    stale = sorted(set(PRELUDES) - keys)
    assert not stale, f"PRELUDES entries without a block (first line changed?): {stale}"
