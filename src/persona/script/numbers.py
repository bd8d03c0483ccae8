"""English words for numbers, in the American style a narrator reads them.

``num2words`` writes British forms ("one hundred and one", "one thousand, two hundred");
these helpers drop the "and" and the commas so the result reads "one hundred one".
"""

from __future__ import annotations

import re

from num2words import num2words

_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_LONGEST_CARDINAL = 15
"""Integers with more digits than this are read digit by digit (serial numbers, IDs)."""


def _american(words: str) -> str:
    words = words.replace(",", "")
    words = re.sub(r"\band\b", " ", words)
    return " ".join(words.split())


def digits(text: str) -> str:
    """Read a string of digits one by one: ``"007"`` → ``"zero zero seven"``."""
    return " ".join(_DIGIT_WORDS[int(ch)] for ch in text if ch.isdigit())


def cardinal(value: int) -> str:
    """``1234`` → ``"one thousand two hundred thirty-four"``; negatives get "minus"."""
    if value < 0:
        return "minus " + cardinal(-value)
    return _american(num2words(value))


def integer_text(text: str) -> str:
    """Words for an integer written with optional thousands commas (``"1,234"``).

    Leading zeros and very long digit strings are read digit by digit.
    """
    plain = text.replace(",", "")
    if (len(plain) > 1 and plain.startswith("0")) or len(plain) > _LONGEST_CARDINAL:
        return digits(plain)
    return cardinal(int(plain))


def decimal_text(text: str) -> str:
    """``"3.5"`` → ``"three point five"``; ``"1,234.05"`` → "... point zero five"."""
    whole, _, fraction = text.partition(".")
    head = integer_text(whole) if whole else "zero"
    if not fraction:
        return head
    return f"{head} point {digits(fraction)}"


def number_text(text: str) -> str:
    """Words for a written number: integer or decimal, optional sign and commas."""
    text = text.strip()
    if text[:1] in "-−":
        return "minus " + number_text(text[1:])
    if text[:1] == "+":
        return "plus " + number_text(text[1:])
    if "." in text:
        return decimal_text(text)
    return integer_text(text)


def ordinal(value: int) -> str:
    """``21`` → ``"twenty-first"``."""
    return _american(num2words(value, to="ordinal"))


def year(value: int) -> str:
    """Read a year: ``1999`` → "nineteen ninety-nine", ``2005`` → "two thousand five",
    ``1905`` → "nineteen oh five". Values outside 1000–2999 are read as cardinals."""
    if not 1000 <= value <= 2999:
        return cardinal(value)
    words = _american(num2words(value, to="year"))
    return words.replace("oh-", "oh ")


def plural(words: str) -> str:
    """Pluralize the last word of a number: "nineteen ninety" → "nineteen nineties"."""
    head, _, last = words.rpartition(" ")
    if last.endswith("y"):
        last = last[:-1] + "ies"
    elif last.endswith("x"):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last
