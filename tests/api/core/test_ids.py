"""The one rule for what a path's id can name (`api.core.ids.named_by`)."""

from __future__ import annotations

import pytest

from api.core.ids import is_id, named_by, new_id

ORG_ID = "org_" + "0123456789abcdef0123"


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("org", ORG_ID, "id"),
        ("org", "acme-corp", "slug"),
        ("org", "org_not-an-id", None),  # no slug has an `_`: neither an id nor a slug
        ("org", ORG_ID.upper(), None),
        ("org", ORG_ID + "\n", None),
        ("org", "acme\n", None),
        ("org", "", None),
        ("org", "asm_" + "0123456789abcdef0123", None),
        ("asm", "asm_" + "0123456789abcdef0123", "id"),
        ("asm", "acme", None),  # only an organization has a slug
        ("rsp", ORG_ID, None),
    ],
)
def test_a_path_value_names_a_row_by_id_by_slug_or_not_at_all(
    kind: str, value: str, expected: str | None
) -> None:
    assert named_by(kind, value) == expected


@pytest.mark.parametrize("kind", ["org", "asm", "rsp", "key", "shl", "aud"])
def test_a_new_id_is_an_id_of_its_kind_only(kind: str) -> None:
    ident = new_id(kind)
    assert is_id(ident, kind)
    assert named_by(kind, ident) == "id"
    assert not is_id(ident, "xyz")
