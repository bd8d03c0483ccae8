"""Public figures in avatar and voice names."""

from __future__ import annotations

import pytest

from persona.moderation import figure_warning, match_public_figure
from persona.moderation.figures import parse_figures, public_figures


def test_the_list_is_about_a_hundred_well_known_names() -> None:
    figures = public_figures()
    assert 90 <= len(figures) <= 150
    assert len({f.name for f in figures}) == len(figures)


@pytest.mark.parametrize(
    ("name", "figure"),
    [
        ("Barack Obama", "Barack Obama"),
        ("barack obama (clone)", "Barack Obama"),
        ("BarackObama2024", "Barack Obama"),  # run together
        ("Obama", "Barack Obama"),  # distinctive surname
        ("0bama", "Barack Obama"),  # leetspeak
        ("ОЬama", "Barack Obama"),  # Cyrillic look-alikes
        ("Ob\u200bama", "Barack Obama"),  # zero-width
        ("Beyoncé", "Beyonce"),  # diacritics
        ("TAYLOR SWIFT", "Taylor Swift"),
        ("Zelenskyy speech", "Volodymyr Zelensky"),
        ("elon_musk", "Elon Musk"),
    ],
)
def test_names_of_public_figures_match(name: str, figure: str) -> None:
    assert match_public_figure(name) == figure


@pytest.mark.parametrize(
    "name",
    ["Taylor", "swift talker", "musk ox", "Maya", "Ordinary Joe", "Harris tweed jacket",
     "Jordan", "Bill", "", "Obamacare explainer"],
)  # fmt: skip
def test_ordinary_names_do_not(name: str) -> None:
    assert match_public_figure(name) is None


def test_a_list_of_ones_own_and_the_warning() -> None:
    figures = parse_figures("# comment\n\nAda Lovelace | Lovelace\nAlan Turing\n")
    assert [f.name for f in figures] == ["Ada Lovelace", "Alan Turing"]
    assert match_public_figure("lovelace", figures) == "Ada Lovelace"
    assert match_public_figure("Turing", figures) is None  # no distinctive alias listed
    warning = figure_warning("voice", "lovelace", "Ada Lovelace")
    assert "Ada Lovelace" in warning and "consent" in warning
