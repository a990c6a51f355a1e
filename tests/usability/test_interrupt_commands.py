"""Ctrl-C in graphkit isvd, and the interrupt handling that cli.run gives every command.

isvd writes no files, so its line names no output. With ``GRAPHKIT_TRACEBACK=1`` the
caller gets the ``KeyboardInterrupt`` itself. Ranks other than 0 of a launch of several
processes print a short line with their rank.
"""

import signal
import textwrap

import graphkit.datasets
import pytest
from graphkit.launch.cli import run
from script_child import ScriptChild, last_line_without_traceback

import graphkit.embed.nodeclass

NODECLASS = ["isvd", "nodeclass", "--dataset", "synthetic", "--finetune-epochs", "0"]
NODECLASS += ["--dataset-options", "{num_nodes: 300, avg_degree: 4, num_features: 8}"]

# Makes the fit wait, so that the signal arrives while it runs.
SCRIPT = textwrap.dedent(
    """
    import sys, time
    import graphkit.embed.nodeclass as nodeclass
    from graphkit.launch.cli import run

    def slow_fit(*args, **kwargs):
        print("fitting", file=sys.stderr, flush=True)
        time.sleep(60)

    nodeclass.fit_linear_gcn = slow_fit
    sys.exit(run(sys.argv[1:]))
    """
)


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def test_isvd_nodeclass_interrupt(monkeypatch, capfd):
    monkeypatch.setattr(graphkit.embed.nodeclass, "fit_linear_gcn", _interrupt)
    assert run(NODECLASS) == 130
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err
    last_line = captured.err.strip().splitlines()[-1]
    assert last_line == "graphkit isvd nodeclass: interrupted"
    assert captured.out == ""


def test_isvd_linkpred_interrupt(monkeypatch, capfd):
    monkeypatch.setattr(graphkit.datasets, "load_asymproj", _interrupt)
    assert run(["isvd", "linkpred", "--dataset", "ppi"]) == 130
    last_line = capfd.readouterr().err.strip().splitlines()[-1]
    assert last_line == "graphkit isvd linkpred: interrupted"


def test_isvd_sigint_subprocess(tmp_path):
    with ScriptChild(SCRIPT, NODECLASS, tmp_path / "stderr.txt") as child:
        child.wait_until(lambda: "fitting" in child.stderr(), "the fit to start")
        returncode = child.stop(signal.SIGINT)

    assert returncode == 130
    last_line = last_line_without_traceback(child.stderr())
    assert last_line == "graphkit isvd nodeclass: interrupted"


def test_traceback_variable_reraises(monkeypatch):
    monkeypatch.setattr(graphkit.embed.nodeclass, "fit_linear_gcn", _interrupt)
    monkeypatch.setenv("GRAPHKIT_TRACEBACK", "1")
    with pytest.raises(KeyboardInterrupt):
        run(NODECLASS)


def test_rank_zero_of_several_reports(monkeypatch, capfd):
    monkeypatch.setattr(graphkit.embed.nodeclass, "fit_linear_gcn", _interrupt)
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "0")
    assert run(NODECLASS) == 130
    err = capfd.readouterr().err
    assert last_line_without_traceback(err) == "graphkit isvd nodeclass: interrupted"


def test_other_rank_of_several_reports(monkeypatch, capfd):
    monkeypatch.setattr(graphkit.embed.nodeclass, "fit_linear_gcn", _interrupt)
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "1")
    assert run(NODECLASS) == 130
    err = capfd.readouterr().err
    last_line = last_line_without_traceback(err)
    assert last_line == "graphkit isvd nodeclass: rank 1 of 2 interrupted"


def test_sigterm_handler_restored(monkeypatch):
    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(graphkit.embed.nodeclass, "fit_linear_gcn", _interrupt)
    assert run(NODECLASS) == 130
    assert signal.getsignal(signal.SIGTERM) is before
