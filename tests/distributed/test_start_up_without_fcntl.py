"""Start-up imports on systems without fcntl, which exists on POSIX systems only.

The module that chooses gloo's interface reads interface addresses through fcntl.
Without fcntl, it finds no interface and leaves GLOO_SOCKET_IFNAME unset, as on
other systems where the interface is not found.
"""

import subprocess
import sys

# A None entry in sys.modules makes "import fcntl" raise ImportError, as on Windows.
SCRIPT = """
import sys
sys.modules["fcntl"] = None
import graphkit.distributed.runtime
from graphkit.distributed.gloo_interface import interface_of
print(interface_of("127.0.0.1"))
"""


def test_runtime_imports_without_fcntl():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None"
