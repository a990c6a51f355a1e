"""``graphkit train --help``: every option has a description, grouped by topic."""

import argparse
from dataclasses import fields

import pytest
from graphkit.launch.cli import main

from graphkit.train.config import (
    OPTION_GROUPS,
    TrainConfig,
    add_config_arguments,
    field_docs,
)


def test_every_field_documented():
    docs = field_docs(TrainConfig)
    missing = [f.name for f in fields(TrainConfig) if not docs.get(f.name)]
    assert missing == []


def test_every_field_in_one_group():
    grouped = [name for names in OPTION_GROUPS.values() for name in names]
    assert sorted(grouped) == sorted(f.name for f in fields(TrainConfig))


def test_help_groups_and_descriptions():
    parser = argparse.ArgumentParser()
    add_config_arguments(parser)
    groups = {group.title: group for group in parser._action_groups}
    for title, names in OPTION_GROUPS.items():
        actions = groups[title]._group_actions
        assert [action.dest for action in actions] == list(names)
        for action in actions:
            assert not action.help.startswith("(default:"), action.dest
            assert "(default:" in action.help, action.dest


def test_help_text_output(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for title in ("data:", "model:", "optimisation:", "distributed:", "compression:",
                  "output:"):  # fmt: skip
        assert title in text
    assert "--lr FLOAT Learning rate. (default: 0.01)" in text
    assert "into --out (0: only at the end" in text  # a field name becomes its option
    assert "``" not in text


def test_field_docs_of_other_dataclass():
    from dataclasses import dataclass

    @dataclass
    class Options:
        width: int = 3
        """Columns per row."""
        depth: int = 1

    assert field_docs(Options) == {"width": "Columns per row."}
