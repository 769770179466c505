"""The code the chapters show fits the printed handouts.

Every ``{literalinclude}`` with ``:pyobject:`` in chapters/*.md prints one
function (or class, or ``Class.method``) of the package. The handouts
have room for 72 characters of code a line, and a listing is meant to
be read at a glance: at most 15 lines, docstring included.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
MAX_WIDTH = 72
MAX_LINES = 15

# A fenced directive (``` or :::), its argument, and its option lines.
DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{literalinclude\}[ \t]+(?P<path>\S+)[ \t]*\n"
    r"(?P<options>(?:[ \t]*:[\w-]+:.*\n)*)",
    re.MULTILINE)
PYOBJECT = re.compile(r"^[ \t]*:pyobject:[ \t]*(?P<name>\S+)", re.MULTILINE)


def shown_objects():
    """(chapter, source file, object name) for every :pyobject: listing."""
    shown = []
    for chapter in sorted(CHAPTERS.glob("*.md")):
        text = chapter.read_text(encoding="utf-8")
        for match in DIRECTIVE.finditer(text):
            option = PYOBJECT.search(match["options"])
            if option:
                source = (CHAPTERS / match["path"]).resolve()
                shown.append((chapter.name, source, option["name"]))
    return shown


def find_object(tree, dotted):
    """The ast node of ``name`` or ``Class.method`` at module level."""
    scope = tree.body
    node = None
    for part in dotted.split("."):
        kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        node = next((n for n in scope
                     if isinstance(n, kinds) and n.name == part), None)
        if node is None:
            return None
        scope = node.body
    return node


def listing(source, dotted):
    """The lines Sphinx prints for the object: decorators to last line."""
    text = source.read_text(encoding="utf-8")
    node = find_object(ast.parse(text), dotted)
    assert node is not None, f"{dotted} not found in {source}"
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return first, text.splitlines()[first - 1:node.end_lineno]


SHOWN = shown_objects()


def _id(item):
    chapter, source, name = item
    return f"{chapter}:{source.name}:{name}"


def test_listings_are_found():
    """The parser sees the listings (a change of syntax would skip them)."""
    names = {name for _, _, name in SHOWN}
    assert len(SHOWN) >= 40
    assert {"huber", "kl_divergence", "exact_sum", "Loss.__call__"} <= names


@pytest.mark.parametrize("item", SHOWN, ids=_id)
def test_listing_fits_the_page(item):
    chapter, source, name = item
    first, lines = listing(source, name)
    rel = source.relative_to(ROOT)
    too_wide = [f"{rel}:{first + i}: {len(line)} characters"
                for i, line in enumerate(lines) if len(line) > MAX_WIDTH]
    assert not too_wide, (
        f"{name} (shown in {chapter}) has lines longer than {MAX_WIDTH}:\n"
        + "\n".join(too_wide))
    assert len(lines) <= MAX_LINES, (
        f"{name} (shown in {chapter}) is {len(lines)} lines long; "
        f"a listing has at most {MAX_LINES}")


def test_find_object_reaches_methods():
    tree = ast.parse("class A:\n    def f(self):\n        pass\n"
                     "def f():\n    pass\n")
    assert find_object(tree, "A.f").lineno == 2
    assert find_object(tree, "f").lineno == 4
    assert find_object(tree, "A.g") is None
