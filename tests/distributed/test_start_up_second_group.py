"""A worker under torchrun starts a second process group after destroying the first.

torchrun's agent hosts the store and keeps it for the whole job, so a second group
finds the first group's keys there. A script that calls graphkit's main() twice does
the same, because graphkit train starts and destroys its own group.
"""

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.distributed

_FOUR_GROUPS = """
import json
import os
import time
import torch
from graphkit.distributed import runtime

sums = []
for group in range(4):
    if group > 0 and os.environ["RANK"] == "0":
        # Rank 0 waits, so rank 1 looks up rank 0's address before rank 0 writes the
        # new one.
        time.sleep(1)
    rank, world_size = runtime.init_process_group(20.0)
    value = torch.tensor([float(rank + 1 + 10 * group)])
    runtime.communicator().all_reduce(value)
    sums.append(value.item())
    runtime.destroy_process_group(synchronize=True)
# One write, so that the two workers' lines do not interleave.
os.write(1, ("report " + json.dumps([rank, sums]) + "\\n").encode())
"""

_SECOND_GROUP_WITHOUT_RANK_1 = """
import json
import os
import time
from pathlib import Path
from graphkit.distributed import runtime

reported = Path(__file__).with_name("rank0_reported")
runtime.init_process_group(20.0)
runtime.destroy_process_group(synchronize=True)
if os.environ["RANK"] == "1":
    # Stay alive without joining until rank 0 has reported, for at most 60 s.
    end = time.monotonic() + 60
    while not reported.exists() and time.monotonic() < end:
        time.sleep(0.1)
else:
    try:
        runtime.init_process_group(2.0)
        message = "started"
    except TimeoutError as error:
        message = str(error)
    os.write(1, ("report " + json.dumps([0, message]) + "\\n").encode())
    reported.touch()
"""


def _torchrun_reports(tmp_path, script: str) -> list:
    """Run ``script`` on two torchrun workers and return their ``report`` lines."""
    path = tmp_path / "script.py"
    path.write_text(script)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc_per_node=2",
            str(path),
        ],
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("report ")]
    return sorted(json.loads(line[len("report ") :]) for line in lines)


def test_later_groups_connect(tmp_path):
    # Group g sums (1 + 10 g) + (2 + 10 g).
    want = [3.0, 23.0, 43.0, 63.0]
    assert _torchrun_reports(tmp_path, _FOUR_GROUPS) == [[0, want], [1, want]]


def test_second_group_names_absent_rank(tmp_path):
    # Rank 1's heartbeat key of the first group must not count for the second.
    reports = _torchrun_reports(tmp_path, _SECOND_GROUP_WITHOUT_RANK_1)
    assert len(reports) == 1, reports
    message = reports[0][1]
    assert "start-up timed out after 2 s" in message
    assert "because rank 1 of WORLD_SIZE=2 did not join" in message
