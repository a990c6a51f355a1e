"""graphkit.extras imported under another name fails with the name to use."""

import subprocess
import sys
from pathlib import Path

import graphkit.extras


def test_import_as_extras_rejected():
    repository = Path(graphkit.extras.__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", "import extras.efficient.mfqat"],
        cwd=repository,
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "ImportError: this package was imported as 'extras'; import it as "
        "graphkit.extras, for example: from graphkit.extras.efficient import mfqat"
    )


def test_documented_python_use_runs():
    from graphkit.extras import registry
    from graphkit.extras.efficient import mfqat

    config = mfqat.Config(
        epochs=1,
        seeds=(0,),
        hidden=(8,),
        eval_formats=("mxint8", "mxint4", "mxint3", "mxint2"),
    )
    result = registry.run_experiment("mfqat", config=config)
    assert result.config["hidden"] == (8,)
    assert result.config["epochs"] == 1
    assert [c.name for c in result.criteria] == [
        "mf_gap_trained_max",
        "mf_gap_unseen_max",
        "sas_gap_max",
    ]
