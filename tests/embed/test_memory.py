"""A product with a 100k-node implicit matrix stays far below the n^2 of forming it."""

from __future__ import annotations

import json
import subprocess
import sys

# Runs in a fresh interpreter so that ru_maxrss (the peak resident size of the process)
# measures this product and nothing that earlier tests allocated.
SCRIPT = r"""
import json, resource, time
import torch
from graphkit.embed.implicit import ImplicitMatrix
from graphkit.embed.wys import wys_matrix

n, k = 100_000, 16
generator = torch.Generator().manual_seed(0)
ring = torch.stack([torch.arange(n), (torch.arange(n) + 1) % n])
chords = torch.randint(0, n, (2, 2 * n), generator=generator)
m = wys_matrix(torch.cat([ring, chords], dim=1), n, window=10)
v = torch.randn(n, k, generator=generator)
largest = 0
original = ImplicitMatrix._cached

def recording(self, x, cache):
    global largest
    out = original(self, x, cache)
    largest = max(largest, out.numel())
    return out

ImplicitMatrix._cached = recording  # every node type inherits it
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tic = time.perf_counter()
out = m @ v
out_t = m.T @ v
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({
    "growth_bytes": (after - before) * 1024, "largest_node_output": largest,
    "shape": list(out.shape), "shape_t": list(out_t.shape),
    "finite": bool(torch.isfinite(out).all() and torch.isfinite(out_t).all()),
    "seconds": time.perf_counter() - tic,
}))
"""


def test_100k_node_product_memory():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    n, k = 100_000, 16
    assert report["shape"] == [n, k]
    assert report["shape_t"] == [n, k]
    assert report["finite"]
    # Forming M in float32 would take 4 n^2 = 40 GB; the product's peak growth (cached
    # powers T^j V and their sums, each n x k) must stay below 0.5 GB.
    assert report["growth_bytes"] < 0.5e9, report
    assert report["largest_node_output"] <= n * k, report
