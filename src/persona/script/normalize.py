"""English text normalization: write out what a narrator would say.

``normalize_english("Dr. Lee paid $3.50 on 12/25/2024 at 3:30 pm.")`` gives
``"Doctor Lee paid three dollars and fifty cents on December twenty-fifth, twenty
twenty-four at three thirty PM."``

The passes run in a fixed order (abbreviations, dates, times, dotted acronyms, currency,
percentages, units, ordinals, years, plain numbers, symbols) because earlier ones consume
patterns that later ones would misread (the "12" of a date is not a cardinal). After
normalization no abbreviation period is left inside a sentence: Piper ends a sentence at
every period it sees. Letter acronyms ("NASA", "FBI") are left for the TTS engine, which
knows whether to spell them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from persona.script import numbers

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_ABBREVIATIONS = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
_MONTH_NUMBERS = {name: i + 1 for i, name in enumerate(MONTHS)} | _MONTH_ABBREVIATIONS
_MONTH = "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True))

# Titles before a name; "Mr Smith" without the period is expanded too.
_TITLES = {
    "Dr": "Doctor",
    "Mr": "Mister",
    "Mrs": "Missus",
    "Ms": "Miz",
    "Prof": "Professor",
    "Mt": "Mount",
    "Gen": "General",
    "Capt": "Captain",
    "Lt": "Lieutenant",
    "Col": "Colonel",
    "Sgt": "Sergeant",
    "Rev": "Reverend",
    "Hon": "Honorable",
    "Gov": "Governor",
    "Sen": "Senator",
    "Rep": "Representative",
    "Pres": "President",
}
_BARE_TITLES = frozenset({"Dr", "Mr", "Mrs", "Ms"})
"""Titles also expanded when written without a period before a name ("Mr Smith")."""
# Abbreviations that are always written with a final period.
_DOTTED = {
    "Jr": "Junior",
    "Sr": "Senior",
    "etc": "et cetera",
    "e.g": "for example",
    "i.e": "that is",
    "vs": "versus",
    "approx": "approximately",
    "Inc": "Incorporated",
    "Ltd": "Limited",
    "Corp": "Corporation",
    "Co": "Company",
    "Dept": "Department",
    "Fig": "Figure",
    "Ave": "Avenue",
    "Blvd": "Boulevard",
    "Rd": "Road",
    "Univ": "University",
    "cf": "compare",
    "et al": "et al",
}

NON_TERMINAL_ABBREVIATIONS: frozenset[str] = frozenset(
    {t.lower() for t in _TITLES}
    | {m.lower() for m in _MONTH_ABBREVIATIONS}
    | {"st", "no", "nos", "vs", "approx", "e.g", "i.e", "cf", "fig", "al"}
)
"""Lower-case abbreviations (without their final period) after which a sentence does
not end, even when a capital letter follows ("Dr. Smith", "Jan. 5", "No. 7")."""

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", "", ""),
    "₹": ("rupee", "rupees", "paisa", "paise"),
}
_SCALES = {
    "k": "thousand",
    "K": "thousand",
    "thousand": "thousand",
    "m": "million",
    "M": "million",
    "mn": "million",
    "million": "million",
    "b": "billion",
    "bn": "billion",
    "billion": "billion",
    "tn": "trillion",
    "trillion": "trillion",
}
_UNITS = {
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"),
    "mph": ("mile per hour", "miles per hour"),
    "km": ("kilometer", "kilometers"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"),
    "kg": ("kilogram", "kilograms"),
    "mg": ("milligram", "milligrams"),
    "ml": ("milliliter", "milliliters"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "ft": ("foot", "feet"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "KB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"),
    "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"),
    "Hz": ("hertz", "hertz"),
    "kHz": ("kilohertz", "kilohertz"),
    "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"),
    "kW": ("kilowatt", "kilowatts"),
    "kWh": ("kilowatt hour", "kilowatt hours"),
}
_UNIT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_YEAR_CONTEXT = (
    "in|since|by|from|until|till|through|during|before|after|circa|around|year|early|late|mid|of"
)
_YEAR = r"1[1-9]\d\d|20\d\d"

_Replacement = Callable[[re.Match[str]], str]


def _sub(pattern: str, replace: _Replacement, text: str, flags: int = 0) -> str:
    return re.sub(pattern, replace, text, flags=flags)


def _at_end(match: re.Match[str]) -> bool:
    """True when nothing but closing quotes or brackets follows the match."""
    return not match.string[match.end() :].strip(" \t\n\"'”’)]")


def _keep_final_period(match: re.Match[str], words: str) -> str:
    """Expand an abbreviation whose period may also end the sentence."""
    return words + "." if _at_end(match) and match.group(0).endswith(".") else words


def _capitalized(source: str, words: str) -> str:
    return words[:1].upper() + words[1:] if source[:1].isupper() else words


# ---------------------------------------------------------------- abbreviations


def _alternatives(keys: Iterable[str]) -> str:
    """A regex alternation of ``keys``, longest first so "Mrs" wins over "Mr"."""
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


_TITLE = re.compile(
    rf"\b({_alternatives(_TITLES)})\.(?=\s)|\b({_alternatives(_BARE_TITLES)})(?=\s+[A-Z])"
)
_DOTTED_ABBREVIATION = re.compile(rf"\b({_alternatives(_DOTTED)})\.", re.IGNORECASE)
_DOTTED_LOWER = {k.lower(): v for k, v in _DOTTED.items()}
_MONTH_ABBREVIATION = re.compile(rf"\b({_alternatives(_MONTH_ABBREVIATIONS)})\.")


def _expand_abbreviations(text: str) -> str:
    def title(m: re.Match[str]) -> str:
        return _TITLES[m.group(1) or m.group(2)]

    def dotted(m: re.Match[str]) -> str:
        words = _capitalized(m.group(1), _DOTTED_LOWER[m.group(1).lower()])
        return _keep_final_period(m, words)

    def month(m: re.Match[str]) -> str:
        return _keep_final_period(m, MONTHS[_MONTH_ABBREVIATIONS[m.group(1)] - 1])

    def number(m: re.Match[str]) -> str:
        opens = not m.string[: m.start()].strip() or m.string[: m.start()].rstrip()[-1] in ".!?"
        return "Number " if opens else "number "

    text = _TITLE.sub(title, text)
    text = _sub(r"\bSt\.(?=\s+[A-Z])", lambda _m: "Saint", text)
    text = _sub(r"\bSt\.", lambda m: _keep_final_period(m, "Street"), text)
    text = _sub(r"\b(?:No|no|Nos|nos)\.\s*(?=\d)", number, text)
    text = _sub(r"#(?=\d)", lambda _m: "number ", text)
    text = _DOTTED_ABBREVIATION.sub(dotted, text)
    text = _sub(r"\bvs\b", lambda _m: "versus", text)
    return _MONTH_ABBREVIATION.sub(month, text)


def _dotted_acronyms(text: str) -> str:
    """``U.S.`` → ``US``, ``a.m.`` → ``AM``: letters kept, periods dropped."""

    def join(match: re.Match[str]) -> str:
        letters = match.group(0).replace(".", "").upper()
        return _keep_final_period(match, letters)

    return _sub(r"\b(?:[A-Za-z]\.){2,}(?![A-Za-z])", join, text)


# ---------------------------------------------------------------- dates and times


def _date_words(month: int, day: int, year: int | None, *, day_first: bool = False) -> str:
    name = MONTHS[month - 1]
    head = (
        f"the {numbers.ordinal(day)} of {name}" if day_first else f"{name} {numbers.ordinal(day)}"
    )
    return head if year is None else f"{head}, {numbers.year(year)}"


def _valid_date(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def _numeric_dates(text: str) -> str:
    def iso(m: re.Match[str]) -> str:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return _date_words(month, day, year) if _valid_date(month, day) else m.group(0)

    def slashed(m: re.Match[str]) -> str:
        first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if len(m.group(3)) == 2:
            year += 2000 if year < 50 else 1900
        month, day = (second, first) if first > 12 >= second else (first, second)
        return _date_words(month, day, year) if _valid_date(month, day) else m.group(0)

    text = _sub(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", iso, text)
    return _sub(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b", slashed, text)


def _named_dates(text: str) -> str:
    def month_day(m: re.Match[str]) -> str:
        month, day = _MONTH_NUMBERS[m.group(1)], int(m.group(2))
        year = int(m.group(3)) if m.group(3) else None
        return _date_words(month, day, year) if _valid_date(month, day) else m.group(0)

    def day_month(m: re.Match[str]) -> str:
        day, month = int(m.group(1)), _MONTH_NUMBERS[m.group(2)]
        year = int(m.group(3)) if m.group(3) else None
        if not _valid_date(month, day):
            return m.group(0)
        after_the = m.string[: m.start()].rstrip().lower().endswith("the")
        words = _date_words(month, day, year, day_first=True)
        return words.removeprefix("the ") if after_the else words

    def month_year(m: re.Match[str]) -> str:
        return f"{MONTHS[_MONTH_NUMBERS[m.group(1)] - 1]} {numbers.year(int(m.group(2)))}"

    ordinal = r"(?:st|nd|rd|th)?"
    text = _sub(rf"\b({_MONTH})\.?\s+(\d{{1,2}}){ordinal}(?:,?\s+(\d{{4}}))?\b", month_day, text)
    text = _sub(
        rf"\b(\d{{1,2}}){ordinal}\s+(?:of\s+)?({_MONTH})\b\.?(?:,?\s+(\d{{4}}))?\b",
        day_month,
        text,
    )
    return _sub(rf"\b({_MONTH})\.?\s+(\d{{4}})\b", month_year, text)


def _clock_words(hour: int, minute: int, meridiem: str) -> str:
    words = numbers.cardinal(hour)
    if minute:
        minute_words = numbers.cardinal(minute)
        words += f" oh {minute_words}" if minute < 10 else f" {minute_words}"
    elif not meridiem:
        words += " o'clock" if hour <= 12 else " hundred"
    return f"{words} {meridiem}" if meridiem else words


def _times(text: str) -> str:
    meridiem = r"(?:\s*([AaPp])\.?\s?[Mm]\b\.?)"

    def clock(m: re.Match[str]) -> str:
        hour, minute = int(m.group(1)), int(m.group(2))
        if hour > 24 or minute > 59:
            return m.group(0)
        half = (m.group(4) or "").upper()
        words = _clock_words(hour, minute, half + "M" if half else "")
        if m.group(3):
            words += f" and {numbers.cardinal(int(m.group(3)))} seconds"
        return _keep_final_period(m, words)

    def hour_only(m: re.Match[str]) -> str:
        hour = int(m.group(1))
        if not 1 <= hour <= 12:
            return m.group(0)
        return _keep_final_period(m, f"{numbers.cardinal(hour)} {m.group(2).upper()}M")

    text = _sub(rf"\b(\d{{1,2}}):(\d{{2}})(?::(\d{{2}}))?{meridiem}?(?![\d:])", clock, text)
    return _sub(rf"\b(\d{{1,2}}){meridiem}", hour_only, text)


# ---------------------------------------------------------------- amounts


def _money_words(amount: str, names: tuple[str, str, str, str]) -> str:
    one, many, cent_one, cent_many = names
    whole, _, fraction = amount.replace(",", "").partition(".")
    dollars = int(whole or "0")
    cents = int((fraction + "00")[:2]) if fraction and cent_one and len(fraction) <= 2 else 0
    if fraction and (not cent_one or len(fraction) > 2):
        return f"{numbers.decimal_text(amount)} {many}"
    parts = []
    if dollars or not cents:
        parts.append(f"{numbers.integer_text(whole or '0')} {one if dollars == 1 else many}")
    if cents:
        parts.append(f"{numbers.cardinal(cents)} {cent_one if cents == 1 else cent_many}")
    return " and ".join(parts)


def _currency(text: str) -> str:
    scales = "|".join(sorted(_SCALES, key=len, reverse=True))

    def money(m: re.Match[str]) -> str:
        names = _CURRENCIES[m.group(1)]
        amount, scale = m.group(2), m.group(3)
        if scale:
            return f"{numbers.number_text(amount)} {_SCALES[scale]} {names[1]}"
        return _money_words(amount, names)

    symbols = "".join(re.escape(s) for s in _CURRENCIES)
    return _sub(rf"([{symbols}])\s?({_NUM})(?:\s?({scales})\b)?", money, text)


def _percentages(text: str) -> str:
    def percent(m: re.Match[str]) -> str:
        return f"{numbers.number_text(m.group(1))} percent"

    return _sub(rf"(?<![\w.])([-−+]?(?:{_NUM}))\s?%", percent, text)


def _units(text: str) -> str:
    def unit(m: re.Match[str]) -> str:
        amount = m.group(1)
        one, many = _UNITS[m.group(2)]
        return f"{numbers.number_text(amount)} {one if amount == '1' else many}"

    return _sub(rf"(?<![\w.])({_NUM})\s?({_UNIT})(?![\w/])", unit, text)


def _ordinals(text: str) -> str:
    def ordinal(m: re.Match[str]) -> str:
        return numbers.ordinal(int(m.group(1).replace(",", "")))

    return _sub(r"\b(\d{1,3}(?:,\d{3})+|\d+)(?:st|nd|rd|th)\b", ordinal, text)


def _years(text: str) -> str:
    def decade(m: re.Match[str]) -> str:
        return numbers.plural(numbers.year(int(m.group(1))))

    def short_decade(m: re.Match[str]) -> str:
        return numbers.plural(numbers.cardinal(int(m.group(1))))

    def in_context(m: re.Match[str]) -> str:
        return f"{m.group(1)} {numbers.year(int(m.group(2)))}"

    def era(m: re.Match[str]) -> str:
        return f"{numbers.year(int(m.group(1)))} {m.group(2)}"

    def short_span(m: re.Match[str]) -> str:
        return f"{numbers.year(int(m.group(1)))} to {numbers.cardinal(int(m.group(2)))}"

    def span(m: re.Match[str]) -> str:
        first, second = numbers.year(int(m.group(2))), numbers.year(int(m.group(4)))
        joiner = "to" if m.group(3) in "-–" else m.group(3)
        return f"{m.group(1)} {first} {joiner} {second}"

    text = _sub(rf"\b(from|between)\s+({_YEAR})\s*(to|and|-|–)\s*({_YEAR})\b", span, text, re.I)
    text = _sub(rf"\b({_YEAR})[-–](\d\d)\b(?![-–]\d)", short_span, text)
    text = _sub(r"\b(\d{4})s\b", decade, text)
    text = _sub(r"(?<!\w)['’](\d0)s\b", short_decade, text)
    text = _sub(r"\b(\d{3,4})\s+(AD|BC|BCE|CE)\b", era, text)
    return _sub(rf"\b({_YEAR_CONTEXT})\s+({_YEAR})\b(?![.,]\d)", in_context, text, re.I)


def _plain_numbers(text: str) -> str:
    text = _sub(r"(?<![\w.,])[-−](?=\d)", lambda _m: "minus ", text)
    text = _sub(r"(?<=\d)\s?[–—]\s?(?=\d)", lambda _m: " to ", text)
    return _sub(rf"(?<![\w.])({_NUM})(?![\w])", lambda m: numbers.number_text(m.group(1)), text)


def _symbols(text: str) -> str:
    text = text.replace("&", " and ")
    text = _sub(r"(?<=\s)\+(?=\s)", lambda _m: "plus", text)
    text = _sub(r"(?<=\s)=(?=\s)", lambda _m: "equals", text)
    return text.replace("°", " degrees ")


def _clean(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("\u00a0", " ")
    return " ".join(text.split())


_PASSES: tuple[Callable[[str], str], ...] = (
    _clean,
    _expand_abbreviations,
    _numeric_dates,
    _named_dates,
    _times,
    _dotted_acronyms,
    _currency,
    _percentages,
    _units,
    _ordinals,
    _years,
    _plain_numbers,
    _symbols,
    _clean,
)


def normalize_english(text: str) -> str:
    """Expand numbers, dates, times, money, units and abbreviations into words."""
    for step in _PASSES:
        text = step(text)
    return text


def normalize(text: str, lang: str) -> str:
    """Normalize ``text`` for ``lang``; only English is expanded, others pass through.

    eSpeak NG reads digits in its own languages, so they are left as written.
    """
    if lang.lower().startswith("en"):
        return normalize_english(text)
    return _clean(text)
