"""Text no database can store (a JSON-escaped lone surrogate, NUL) is refused with the field named, or cleaned."""

import json

import pytest
from healthpulse.core.domain import Document
from healthpulse.text.unstorable import clean_unstorable, find_unstorable, unstorable_problem
from pydantic import ValidationError

LONE = json.loads('"Нет инсулина \\ud800 в аптеке"')  # what json.loads makes of the escape: an unencodable str


def test_a_lone_surrogate_and_nul_are_found_with_their_position():
    assert unstorable_problem("fine text, 😀 included") is None
    assert unstorable_problem(LONE) == "is not valid Unicode: a lone surrogate \\ud800 at character 14"
    assert unstorable_problem("a\x00b") == "contains a NUL character at character 2"


def test_the_field_is_named_in_nested_json():
    body = {"text": "ok", "contacts": [{"name": "x"}, {"name": LONE}]}
    assert find_unstorable(body) == ("contacts[1].name", unstorable_problem(LONE))
    assert find_unstorable({"text": "ok", "n": 3, "flag": True}) is None


def test_cleaning_replaces_surrogates_and_drops_nul():
    cleaned = clean_unstorable(LONE + "\x00")
    assert cleaned == "Нет инсулина \ufffd в аптеке"
    cleaned.encode("utf-8")  # storable


def test_a_document_refuses_text_no_database_can_store():
    with pytest.raises(ValidationError, match="'text' is not valid Unicode: a lone surrogate"):
        Document(id="d1", text=LONE)
    with pytest.raises(ValidationError, match="'title' contains a NUL"):
        Document(id="d1", text="ok", title="a\x00")
