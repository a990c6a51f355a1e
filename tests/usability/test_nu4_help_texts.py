"""Help texts name each default once, and their examples use options that exist."""

import dataclasses
import re

from graphkit.launch import cli


def _help(*words: str) -> str:
    parser = cli.build_parser()
    for word in words:
        parser = cli._subcommands(parser)[word]
    return " ".join(parser.format_help().split())


def test_partition_help_defaults_once():
    text = _help("partition")
    assert "(default: None)" not in text
    assert "(default: $GRAPHKIT_DATA)" in text
    assert "(default: all splits)" in text
    assert "(default: metis)" in text
    # Each option's help names its default at most once.
    assert not re.search(r"\(default: [^)]*\) \(default:", text)


def test_kg_training_help_defaults():
    for action in ("finetune", "pretrain"):
        text = _help("kg", action)
        assert "AdamW learning rate (default: 5e-4)" in text
        assert "0 = uniform weights (default: 1.0)" in text


def test_kg_seed_help_per_action():
    # finetune requires --checkpoint, so its seed never draws initial weights.
    finetune = _help("kg", "finetune")
    pretrain = _help("kg", "pretrain")
    assert "--seed SEED seed of the sampler (default: 0)" in finetune
    assert "without --checkpoint" not in finetune
    assert (
        "--seed SEED seed of the sampler and, without --checkpoint, of the initial "
        "weights (default: 0)" in pretrain
    )


def test_kg_dataset_help_names_layouts():
    # load_dataset detects these four layouts, so --dataset accepts each of them.
    for action in ("evaluate", "finetune", "pretrain"):
        text = _help("kg", action)
        assert "a GraIL split such as fb237_v1" in text
        assert "an ILPC 2022 or InGram folder" in text
        assert "a train/valid/test folder" in text


def test_extras_set_example_is_a_field():
    from graphkit.extras.efficient.mfqat import Config

    text = _help("extras", "run")
    key = re.search(r"mfqat's (\w+)=mxint8,mxint4", text).group(1)
    assert key in {field.name for field in dataclasses.fields(Config)}


def test_every_command_has_description():
    missing = []
    pending = [("graphkit", cli.build_parser())]
    while pending:
        name, parser = pending.pop()
        if not parser.description:
            missing.append(name)
        for word, child in cli._subcommands(parser).items():
            pending.append((f"{name} {word}", child))
    assert missing == []
