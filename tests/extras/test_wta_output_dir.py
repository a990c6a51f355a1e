"""The WTA run rejects an output folder it cannot create before it trains."""

from __future__ import annotations

import pytest
from graphkit.extras.spiking import wta_stochastic


def test_output_dir_under_file_rejected(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    trained = []
    monkeypatch.setattr(wta_stochastic, "_train", lambda *args: trained.append(1))
    config = wta_stochastic.Config.smoke()
    config.output_dir = str(blocker / "samples")
    with pytest.raises(ValueError, match=r"output_dir='.*samples' cannot be created"):
        wta_stochastic.run(config)
    assert trained == []
