"""Opsgenie's alert search syntax, for the fields scripts filter on, parsed into a tree.

`status: open AND priority: P1`, `tag: db OR tag: web`, `NOT acknowledged: true`,
`message: "disk full"`, `alias = host-*`, `count > 3`, `createdAt >= 1700000000000`,
parentheses, and bare words (searched in message and description). Terms side by side
without an operator are joined by AND, as at Opsgenie. Pure code: `queries.py` turns
the tree into SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from watchkeeper.pipeline.ingest.opsgenie.errors import BadQuery

# Opsgenie's field names, lower-cased, to ours.
FIELDS = {
    "status": "status",
    "acknowledged": "acknowledged",
    "snoozed": "snoozed",
    "isseen": "is_seen",
    "alias": "alias",
    "message": "message",
    "description": "description",
    "source": "source",
    "entity": "entity",
    "owner": "owner",
    "priority": "priority",
    "tag": "tag",
    "tags": "tag",
    "tinyid": "tiny_id",
    "id": "uid",
    "count": "count",
    "createdat": "created_at",
    "updatedat": "updated_at",
    "lastoccurredat": "last_occurred_at",
}
OPERATORS = (">=", "<=", "!=", ":", "=", ">", "<")
_TOKEN = re.compile(
    r'\s*(?:(?P<paren>[()])|"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<op>>=|<=|!=|[:=<>])|(?P<word>[^\s()":=<>!]+))'
)
MAX_TERMS = 50


@dataclass(frozen=True)
class Term:
    field: str  # one of FIELDS' values, or "" for a bare word
    op: str
    value: str


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class All:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Any_:
    items: tuple[Node, ...]


Node = Term | Not | All | Any_


@dataclass(frozen=True)
class _Token:
    kind: str  # paren, value, op, keyword
    text: str


def parse(query: str) -> Node | None:
    """The tree of `query`; None for an empty query (everything matches)."""
    tokens = _tokens(query)
    if not tokens:
        return None
    parser = _Parser(tokens)
    node = parser.expression()
    if parser.position < len(tokens):
        raise BadQuery(f"unexpected {tokens[parser.position].text!r} in the query")
    if parser.terms > MAX_TERMS:
        raise BadQuery(f"the query has more than {MAX_TERMS} terms")
    return node


def _tokens(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(query):
        if not query[position:].strip():
            break
        found = _TOKEN.match(query, position)
        if found is None:
            raise BadQuery(f"cannot read the query from {query[position:].strip()[:20]!r}")
        position = found.end()
        if found["paren"]:
            tokens.append(_Token("paren", found["paren"]))
        elif found["quoted"] is not None:
            tokens.append(_Token("value", re.sub(r"\\(.)", r"\1", found["quoted"])))
        elif found["op"]:
            tokens.append(_Token("op", found["op"]))
        elif found["word"] in ("AND", "OR", "NOT"):
            tokens.append(_Token("keyword", found["word"]))
        else:
            tokens.append(_Token("value", found["word"]))
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.position = 0
        self.terms = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise BadQuery("the query ends too early")
        self.position += 1
        return token

    def expression(self) -> Node:
        items = [self.conjunction()]
        while (token := self.peek()) is not None and token == _Token("keyword", "OR"):
            self.take()
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else Any_(tuple(items))

    def conjunction(self) -> Node:
        items = [self.negation()]
        while (token := self.peek()) is not None and token.text != ")" and token.text != "OR":
            if token == _Token("keyword", "AND"):
                self.take()
            items.append(self.negation())
        return items[0] if len(items) == 1 else All(tuple(items))

    def negation(self) -> Node:
        if self.peek() == _Token("keyword", "NOT"):
            self.take()
            return Not(self.negation())
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.text == "(" and token.kind == "paren":
            node = self.expression()
            if self.take().text != ")":
                raise BadQuery("a parenthesis is not closed")
            return node
        if token.kind != "value":
            raise BadQuery(f"unexpected {token.text!r} in the query")
        self.terms += 1
        following = self.peek()
        if following is None or following.kind != "op":
            return Term("", ":", token.text)
        op = self.take().text
        value = self.take()
        if value.kind not in ("value", "keyword"):
            raise BadQuery(f"{token.text} {op} needs a value")
        name = FIELDS.get(token.text.lower())
        if name is None:
            raise BadQuery(f"unknown field {token.text!r}; try status, tag, priority or alias")
        return Term(name, op, value.text)
