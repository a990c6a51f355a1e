"""``python -m graphkit.launch`` is the same entry as the ``graphkit`` command."""

import sys

from graphkit.launch.cli import run

sys.exit(run())
