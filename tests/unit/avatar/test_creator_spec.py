"""Avatar specs: JSON round trips, content digests, and errors that name the bad field."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from persona.avatar.creator.spec import (
    SCHEMA,
    AvatarSpec,
    Hair,
    SpecError,
    allowed_values,
    read_spec,
)
from persona.avatar.creator.templates import UnknownTemplateError, get_template, templates
from persona.errors import InputError


def test_default_spec_round_trips() -> None:
    spec = AvatarSpec()
    data = spec.to_dict()
    assert data["schema"] == SCHEMA
    assert AvatarSpec.from_dict(data) == spec
    assert AvatarSpec.from_json(spec.to_json()) == spec
    json.dumps(data)  # plain JSON types only


def test_every_template_round_trips_exactly() -> None:
    for t in templates():
        again = AvatarSpec.from_json(t.spec.to_json())
        assert again == t.spec, t.name
        assert again.digest() == t.spec.digest()


def test_specs_are_hashable_and_digests_follow_content() -> None:
    a = AvatarSpec()
    b = AvatarSpec.from_dict({})
    assert hash(a) == hash(b) and a.digest() == b.digest()
    c = replace(a, hair=Hair(style="afro", colour="black"))
    assert c != a and c.digest() != a.digest()
    assert len({a, b, c}) == 2
    assert len(a.digest()) == 64


def test_missing_keys_take_defaults() -> None:
    spec = AvatarSpec.from_dict({"hair": {"style": "bun"}})
    assert spec.hair.style == "bun"
    assert spec.hair.colour == Hair().colour
    assert spec.face == AvatarSpec().face


def test_colours_accept_hex_and_names() -> None:
    spec = AvatarSpec.from_dict(
        {"face": {"skin": "#8D5524"}, "eyes": {"colour": "green"}, "accessories": {"bindi": "red"}}
    )
    assert spec.face.skin == "#8D5524"
    assert AvatarSpec.from_dict({"background": {"colours": ["navy"]}}).background.colours == (
        "navy",
    )


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"colour": "red"}, "colour", "unknown field"),
        ({"eyes": {"color": "blue"}}, "eyes.color", "did you mean 'colour'"),
        ({"hair": {"style": "mohican"}}, "hair.style", "not one of"),
        ({"hair": {"style": "curley"}}, "hair.style", "did you mean 'curly'"),
        ({"face": {"skin": "green-ish"}}, "face.skin", "not a colour"),
        ({"face": {"blush": "lots"}}, "face.blush", "number from 0 to 1"),
        ({"face": {"blush": 2}}, "face.blush", "number from 0 to 1"),
        ({"face": {"freckles": "yes"}}, "face.freckles", "true or false"),
        ({"age": "ancient"}, "age", "not one of"),
        ({"clothing": {"style": 3}}, "clothing.style", "must be a string"),
        (
            {"background": {"colours": ["#fff000", "#000000", "#ffffff"]}},
            "background.colours",
            "one or two",
        ),
        ({"background": {"colours": ["#fff000", "nope"]}}, "background.colours[1]", "not a colour"),
        ({"accessories": {"hat": "cap", "headscarf": "hijab"}}, "accessories.hat", "not both"),
        ({"accessories": {"glasses": "monocle"}}, "accessories.glasses", "not one of"),
        ({"schema": 99}, "schema", "not supported"),
        ({"name": ""}, "name", "non-empty"),
        ({"eyes": "blue"}, "eyes", "JSON object"),
    ],
)
def test_bad_values_name_their_field(data: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(SpecError) as info:
        AvatarSpec.from_dict(data)
    assert info.value.field == field
    assert words in str(info.value)
    assert str(info.value).startswith(f"avatar spec: {field}: ")
    assert isinstance(info.value, InputError)


def test_not_an_object_at_the_top() -> None:
    with pytest.raises(SpecError, match=r"\(top level\)"):
        AvatarSpec.from_dict(["hair"])


def test_made_in_python_is_checked_too() -> None:
    with pytest.raises(SpecError, match="style"):
        Hair(style="nope")


def test_read_spec_files(tmp_path: Path) -> None:
    good = tmp_path / "me.json"
    good.write_text(json.dumps({"name": "me", "hair": {"style": "bob"}}), encoding="utf-8")
    assert read_spec(good).hair.style == "bob"
    bad = tmp_path / "bad.json"
    bad.write_text('{"hair": {"style": "bob",}}', encoding="utf-8")
    with pytest.raises(SpecError, match="not valid JSON"):
        read_spec(bad)
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"nose": {"shape": "beak"}}', encoding="utf-8")
    with pytest.raises(SpecError, match=r"nose\.shape.*wrong\.json"):
        read_spec(wrong)
    with pytest.raises(SpecError, match="cannot read"):
        read_spec(tmp_path / "missing.json")


def test_allowed_values_cover_every_choice_field() -> None:
    values = allowed_values()
    assert "saree" in values["clothing.style"] and "hijab" in values["accessories.headscarf"]
    for path, allowed in values.items():
        head, _, leaf = path.rpartition(".")
        data: dict[str, Any] = {leaf: allowed[0]} if not head else {head: {leaf: allowed[0]}}
        AvatarSpec.from_dict(data)  # the first allowed value of each field is accepted


def test_templates_cover_ages_tones_and_coverings() -> None:
    ts = templates()
    assert len(ts) >= 20
    assert len({t.name for t in ts}) == len(ts)
    specs = [t.spec for t in ts]
    assert {s.age for s in specs} == {"child", "teen", "adult", "senior"}
    tones = {s.face.skin for s in specs}
    assert {"monk1", "monk10"} <= tones and len(tones) >= 8
    assert len({s.hair.style for s in specs}) >= 12
    assert any(s.accessories.headscarf == "hijab" for s in specs)
    assert any(s.accessories.hat == "turban" for s in specs)
    assert any(s.accessories.bindi for s in specs)
    assert any(s.facial_hair.style in ("beard", "full_beard") for s in specs)
    assert any(s.accessories.glasses != "none" for s in specs)
    assert len({s.clothing.style for s in specs}) >= 7


def test_unknown_template() -> None:
    assert get_template("maya").spec.name == "maya"
    with pytest.raises(UnknownTemplateError, match="choose one of"):
        get_template("nobody")
