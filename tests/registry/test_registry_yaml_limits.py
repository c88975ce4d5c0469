"""Reading YAML and JSON is bounded: aliases, depth, expanded size and tags.

Every document a user sends (a scenario over HTTP, a person, an agreement file) goes through
`accords.validation`; each limit must be a clear InputError, found without expanding the
document (a 272-byte alias bomb once took 13 GB and 143 s).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from accords.validation import MAX_ALIASES, MAX_DEPTH, InputError, read_document

LEVELS = "abcdefg"
BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{LEVELS[i - 1]}'] * 9) if i else ', '.join(['lol'] * 9)}]\n"
    for i, name in enumerate(LEVELS)
)


def problem(text: str, name: str = "doc.yaml") -> str:
    with pytest.raises(InputError) as caught:
        read_document(Path(name), text)
    return str(caught.value)


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    assert len(BOMB.encode()) < 400
    assert f"more than {MAX_ALIASES} aliases" in problem(BOMB)


def test_few_aliases_that_expand_to_too_much_are_refused() -> None:
    # 5 levels of 10 aliases (within the alias limit) expand to 10^5 values.
    lines = ["a: &a [" + ", ".join(["x"] * 10) + "]"]
    for prev, name in zip("abcd", "bcde", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    assert "values once its aliases are expanded" in problem("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("a: " + "[" * 500 + "]" * 500 + "\n", "deep.yaml"),
        ('{"a": ' + "[" * 5000 + "]" * 5000 + "}", "deep.json"),
        ("a:\n" + "".join("  " * i + "- \n" for i in range(1, 200)), "deep-block.yaml"),
    ],
)
def test_deep_nesting_is_refused(text: str, name: str) -> None:
    assert f"nested more than {MAX_DEPTH} levels deep" in problem(text, name)


@pytest.mark.parametrize(
    "text",
    [
        'a: !!python/object/apply:os.system ["true"]\n',
        "a: !!binary aGVsbG8=\n",
        "a: !!set {x}\n",
        "a: !custom 1\n",
    ],
)
def test_only_plain_tags_are_read(text: str) -> None:
    assert "is not allowed here" in problem(text)


def test_ordinary_documents_still_read() -> None:
    doc = read_document(Path("ok.yaml"), "a: &x [1, 2]\nb: *x\nc: 2025-06-01\n")
    assert doc.data == {"a": [1, 2], "b": [1, 2], "c": "2025-06-01"}
