"""The close-match hint of errors about unknown names."""

from graphkit.hints import did_you_mean


def test_single_close_match():
    assert did_you_mean("coar", ["cora", "citeseer", "pubmed"]) == " (did you mean 'cora'?)"


def test_two_equally_close_matches():
    # 'modle' is one deletion from 'mode' and one swap from 'model'.
    assert did_you_mean("modle", ["mode", "model", "seed"]) == (
        " (did you mean 'mode' or 'model'?)"
    )


def test_no_match_gives_empty_hint():
    assert did_you_mean("zzz", ["cora"]) == ""


def test_display_maps_matched_name():
    lookup = {"ca-hept": "ca-HepTh"}
    assert did_you_mean("ca-hept", lookup, display=lookup.__getitem__) == (
        " (did you mean 'ca-HepTh'?)"
    )


def test_equal_scores_in_sorted_order():
    choices = ["fb237_v4", "fb237_v3", "fb237_v1", "fb237_v2", "nell_v1"]
    assert did_you_mean("fb237", choices) == " (did you mean 'fb237_v1' or 'fb237_v2'?)"


def test_second_match_beyond_tie_margin_left_out():
    # The difflib ratios are 16/17 = 0.94 for citeseer2 and 16/20 = 0.80 for
    # citeseerxyzw, which is 0.14 below the best and outside the 0.1 tie margin.
    assert did_you_mean("citeseer", ["citeseer2", "citeseerxyzw"]) == (
        " (did you mean 'citeseer2'?)"
    )


def test_same_letters_in_other_order_below_cutoff():
    # 'egas' has the letters of 'sage' (quick ratio 1.0), but its ratio is 2/8 = 0.25.
    assert did_you_mean("sage", ["egas"]) == ""
