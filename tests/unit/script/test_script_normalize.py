"""English normalization: what the narrator should say for numbers, dates and more."""

from __future__ import annotations

import re

import pytest

from persona.script.normalize import normalize, normalize_english
from persona.script.numbers import cardinal, decimal_text, integer_text, ordinal, plural, year


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0, "zero"),
        (7, "seven"),
        (101, "one hundred one"),
        (1234, "one thousand two hundred thirty-four"),
        (2_000_000, "two million"),
        (-5, "minus five"),
    ],
)
def test_cardinal_is_american(value: int, words: str) -> None:
    assert cardinal(value) == words


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (1999, "nineteen ninety-nine"),
        (2005, "two thousand five"),
        (2000, "two thousand"),
        (2024, "twenty twenty-four"),
        (1905, "nineteen oh five"),
        (1800, "eighteen hundred"),
        (500, "five hundred"),
    ],
)
def test_year(value: int, words: str) -> None:
    assert year(value) == words


def test_number_helpers() -> None:
    assert ordinal(21) == "twenty-first"
    assert ordinal(112) == "one hundred twelfth"
    assert decimal_text("3.14") == "three point one four"
    assert integer_text("007") == "zero zero seven"
    assert integer_text("1,000") == "one thousand"
    assert plural("nineteen ninety") == "nineteen nineties"
    assert plural("eighty") == "eighties"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        # cardinals, decimals, negatives
        ("I have 1,234 books.", "I have one thousand two hundred thirty-four books."),
        ("It is 3.5 meters.", "It is three point five meters."),
        ("It fell to -7 today.", "It fell to minus seven today."),
        ("We saw 42 birds.", "We saw forty-two birds."),
        ("Call 007 now.", "Call zero zero seven now."),
        ("Pages 10–20 matter.", "Pages ten to twenty matter."),
        # ordinals
        ("The 21st century.", "The twenty-first century."),
        ("She came 2nd and 3rd.", "She came second and third."),
        # years
        ("In 1999 it rained.", "In nineteen ninety-nine it rained."),
        ("Born in 2005.", "Born in two thousand five."),
        ("Since 2010 we grew.", "Since twenty ten we grew."),
        ("The 1990s were loud.", "The nineteen nineties were loud."),
        ("The '80s were fun.", "The eighties were fun."),
        ("Between 1990 and 1995.", "Between nineteen ninety and nineteen ninety-five."),
        ("From 2010 to 2020.", "From twenty ten to twenty twenty."),
        # dates
        ("Due 12/25/2024.", "Due December twenty-fifth, twenty twenty-four."),
        ("Due 25/12/2024.", "Due December twenty-fifth, twenty twenty-four."),
        ("On 2024-03-01 we met.", "On March first, twenty twenty-four we met."),
        ("On March 3, 2024 we met.", "On March third, twenty twenty-four we met."),
        ("On 3 March 2024 we met.", "On the third of March, twenty twenty-four we met."),
        ("See you Jan. 5.", "See you January fifth."),
        ("In March 2024 it snowed.", "In March twenty twenty-four it snowed."),
        ("It was the 4th of July.", "It was the fourth of July."),
        # times
        ("Meet at 3:30 pm.", "Meet at three thirty PM."),
        ("Meet at 3:30 p.m. sharp.", "Meet at three thirty PM sharp."),
        ("Leave at 14:05.", "Leave at fourteen oh five."),
        ("Leave at 9:00.", "Leave at nine o'clock."),
        ("Wake at 7 am.", "Wake at seven AM."),
        # currency
        ("It costs $5.", "It costs five dollars."),
        ("It costs $1.", "It costs one dollar."),
        ("It costs $3.50.", "It costs three dollars and fifty cents."),
        ("It costs $0.99.", "It costs ninety-nine cents."),
        ("It costs €20.", "It costs twenty euros."),
        ("It costs £1m.", "It costs one million pounds."),
        ("A $2.5 billion deal.", "A two point five billion dollars deal."),
        ("Only ₹500.", "Only five hundred rupees."),
        # percentages
        ("Up 50% today.", "Up fifty percent today."),
        ("Down 3.5% today.", "Down three point five percent today."),
        # abbreviations
        ("Dr. Smith is here.", "Doctor Smith is here."),
        ("Mr. and Mrs. Lee came.", "Mister and Missus Lee came."),
        ("Ms. Jones and Prof. Wu.", "Miz Jones and Professor Wu."),
        ("We met at St. Paul's.", "We met at Saint Paul's."),
        ("It is on Main St.", "It is on Main Street."),
        ("Apples, pears, etc.", "Apples, pears, et cetera."),
        ("Fruit, e.g. apples.", "Fruit, for example apples."),
        ("One thing, i.e. this.", "One thing, that is this."),
        ("Cats vs. dogs.", "Cats versus dogs."),
        ("It is approx. 10 km away.", "It is approximately ten kilometers away."),
        ("Room No. 5 is free.", "Room number five is free."),
        ("The U.S. economy grew.", "The US economy grew."),
        ("Tom & Jerry.", "Tom and Jerry."),
        # units
        ("It weighs 5kg.", "It weighs five kilograms."),
        ("A 1 km walk.", "A one kilometer walk."),
        ("It is 30 cm long.", "It is thirty centimeters long."),
        ("It is 25°C outside.", "It is twenty-five degrees Celsius outside."),
        ("Drive at 60 mph.", "Drive at sixty miles per hour."),
        # acronyms are left to the engine
        ("NASA and the FBI.", "NASA and the FBI."),
    ],
)
def test_normalize_english(text: str, spoken: str) -> None:
    assert normalize_english(text) == spoken


@pytest.mark.parametrize(
    "text",
    [
        "Dr. Smith and Mr. Jones met Prof. Lee, e.g. at 5 p.m. on Jan. 3 in the U.S. today",
        "It costs approx. $3.50 vs. €4.25, i.e. cheaper, No. 7 etc. and so on",
        "Ave. Rd. Blvd. Inc. Ltd. Corp. Dept. Fig. cf. Sgt. Capt. Gen. Jr. Sr. follow",
    ],
)
def test_no_abbreviation_period_is_left_inside_a_sentence(text: str) -> None:
    spoken = normalize_english(text)
    assert "." not in spoken, spoken
    assert not re.search(r"\d", spoken), spoken


def test_abbreviation_at_the_end_keeps_the_sentence_end() -> None:
    assert normalize_english("He moved to the U.S.") == "He moved to the US."
    assert normalize_english("Bring pens, paper, etc.") == "Bring pens, paper, et cetera."


def test_other_languages_pass_through() -> None:
    text = "मेरे पास 5 किताबें हैं।  Dr. 3"
    assert normalize(text, "hi") == "मेरे पास 5 किताबें हैं। Dr. 3"
    assert normalize("Tengo 5 libros.", "es") == "Tengo 5 libros."
    assert normalize("I have 5 books.", "en-US") == "I have five books."
