"""Pure text helpers for the read-only SQL runner.

``outline`` splits SQL text into statements and lists each one's words, skipping comments, string literals and quoted
identifiers, so the runner can name a refused statement in one clear line. It never decides what may run: the
database's own parser does (see ``marts.storage.readonly``).

``tree_references`` reads the object ids out of a PostgreSQL node tree (``pg_rewrite.ev_action``): the server's own
parsed and analysed form of a query, with every function, operator and table resolved to its id.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d][\w$]*")
_NUMBER = re.compile(r"[\w.]+")
_DOLLAR_TAG = re.compile(r"\$(?:[^\W\d]\w*)?\$")
_ESCAPE_PREFIXES = {"E"}  # E'...' strings take backslash escapes; standard strings do not


def outline(text: str) -> list[list[str]]:
    """The words (upper-cased keywords and unquoted identifiers) of each non-empty statement, in order.

    Comments, string literals (standard, E'', dollar-quoted) and quoted identifiers are skipped; ``;`` outside them
    ends a statement. Unterminated literals run to the end of the text (the database reports the syntax error).
    """
    return [words for words, _ in _statements(text)]


def first_statement(text: str) -> str:
    """The text up to the end of its first statement's last token: no trailing ``;``, comment or blank."""
    statements = _statements(text)
    return text[: statements[0][1]] if statements else ""


def _statements(text: str) -> list[tuple[list[str], int]]:
    """Each non-empty statement's words and the index just past its last token."""
    statements: list[tuple[list[str], int]] = []
    words: list[str] = []
    end = -1
    i, size = 0, len(text)
    while i < size:
        char = text[i]
        if text.startswith("--", i):
            newline = text.find("\n", i)
            i = size if newline < 0 else newline + 1
        elif text.startswith("/*", i):
            i = _skip_block_comment(text, i)
        elif char == ";":
            if end >= 0:
                statements.append((words, end))
            words, end = [], -1
            i += 1
        elif char.isspace():
            i += 1
        else:
            i = end = _skip_token(text, i, words)
    if end >= 0:
        statements.append((words, end))
    return statements


def _skip_token(text: str, i: int, words: list[str]) -> int:
    """Consume one token at ``i``; append it to ``words`` when it is a bare word. Returns where the next one starts."""
    char = text[i]
    if char == "'":
        return _skip_quoted(text, i, "'", backslashes=False)
    if char == '"':
        return _skip_quoted(text, i, '"', backslashes=False)
    if char == "$" and (tag := _DOLLAR_TAG.match(text, i)):
        end = text.find(tag.group(), tag.end())
        return len(text) if end < 0 else end + len(tag.group())
    if char.isdigit():
        return _NUMBER.match(text, i).end()
    if word := _WORD.match(text, i):
        end = word.end()
        if word.group().upper() in _ESCAPE_PREFIXES and text.startswith("'", end):
            return _skip_quoted(text, end, "'", backslashes=True)
        words.append(word.group().upper())
        return end
    return i + 1


def _skip_quoted(text: str, start: int, quote: str, *, backslashes: bool) -> int:
    """Index just past the literal opened at ``start`` (a doubled quote stays inside it)."""
    i = start + 1
    while i < len(text):
        if backslashes and text[i] == "\\":
            i += 2
        elif text[i] == quote:
            if text.startswith(quote, i + 1):
                i += 2
            else:
                return i + 1
        else:
            i += 1
    return len(text)


def _skip_block_comment(text: str, start: int) -> int:
    """Index just past the (possibly nested, as PostgreSQL allows) block comment opened at ``start``."""
    depth, i = 0, start
    while i < len(text):
        if text.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif text.startswith("*/", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    return len(text)


@dataclass(frozen=True)
class TreeReferences:
    """The object ids a PostgreSQL node tree refers to (0, meaning none, is left out)."""

    functions: frozenset[int]
    operators: frozenset[int]
    relations: frozenset[int]
    types: frozenset[int] = frozenset()


# Node fields holding a function id: funcid, opfuncid, aggfnoid, winfnoid, hashfuncid, startInRangeFunc, tsmhandler...
_FUNCTION_FIELD = re.compile(r":\w*(?:funcid|fnoid|Func|handler)")
_OPERATOR_FIELDS = {":opno", ":opnos", ":eqop", ":sortop"}
_RELATION_FIELDS = {":relid"}
# Node fields holding a type id or a list of them: consttype, vartype, resulttype, funcresulttype, coltypes...
_TYPE_FIELD = re.compile(r":[a-z_]*type(?:s|id)?")


def tree_references(tree: str) -> TreeReferences:
    """Every function, operator, relation and type id in a node tree as PostgreSQL prints it (``nodeToString``)."""
    found: dict[str, set[int]] = {"functions": set(), "operators": set(), "relations": set(), "types": set()}
    tokens = list(_tree_tokens(tree))
    for i, token in enumerate(tokens[:-1]):
        if _FUNCTION_FIELD.fullmatch(token):
            kind = "functions"
        elif token in _OPERATOR_FIELDS:
            kind = "operators"
        elif token in _RELATION_FIELDS:
            kind = "relations"
        elif _TYPE_FIELD.fullmatch(token):
            kind = "types"
        else:
            continue
        found[kind].update(_ids_at(tokens, i + 1))
    return TreeReferences(*(frozenset(ids - {0}) for ids in found.values()))


def _ids_at(tokens: list[str], i: int) -> list[int]:
    """The id (``123``) or id list (``(o 12 34)``) starting at token ``i``."""
    if tokens[i].isdigit():
        return [int(tokens[i])]
    if tokens[i] != "(":
        return []
    ids = []
    for token in tokens[i + 1 :]:
        if token == ")":
            break
        if token.isdigit():
            ids.append(int(token))
    return ids


def _tree_tokens(tree: str) -> Iterator[str]:
    """Tokens as PostgreSQL's own reader (``pg_strtok``) splits them: a backslash escapes the next character."""
    i, size = 0, len(tree)
    while i < size:
        char = tree[i]
        if char in " \t\n":
            i += 1
        elif char in "(){}":
            yield char
            i += 1
        else:
            start = i
            while i < size and tree[i] not in " \t\n(){}":
                i += 2 if tree[i] == "\\" else 1
            yield tree[start:i]
