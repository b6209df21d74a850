"""Label matchers as Alertmanager has them: `=`, `!=`, `=~`, `!~`; regexes are anchored.

A missing label matches as the empty string, so `severity!=""` means "has a severity".
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_PATTERN = 512


class Op(enum.StrEnum):
    EQ = "="
    NE = "!="
    RE = "=~"
    NRE = "!~"


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


class Matcher(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100, description="Label (or field) name.")
    op: Op = Op.EQ
    value: str = Field(default="", max_length=MAX_PATTERN)

    @field_validator("value")
    @classmethod
    def _valid_regex(cls, value: str, info: object) -> str:
        data = getattr(info, "data", {})
        if data.get("op") in (Op.RE, Op.NRE):
            try:
                _compiled(value)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {exc}") from exc
        return value

    def matches(self, labels: Mapping[str, str]) -> bool:
        actual = labels.get(self.name, "")
        if self.op is Op.EQ:
            return actual == self.value
        if self.op is Op.NE:
            return actual != self.value
        hit = _compiled(self.value).fullmatch(actual) is not None
        return hit if self.op is Op.RE else not hit

    def __str__(self) -> str:
        quoted = self.value.replace("\\", "\\\\").replace('"', '\\"')
        return f'{self.name}{self.op.value}"{quoted}"'


def match_all(matchers: Iterable[Matcher], labels: Mapping[str, str]) -> bool:
    """True when every matcher matches (an empty list matches everything)."""
    return all(matcher.matches(labels) for matcher in matchers)


_TEXT = re.compile(r'^\s*([A-Za-z_][\w.]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$')


_UNESCAPE = re.compile(r'\\(["\\])')


def parse(text: str) -> Matcher:
    """Parse `name="value"`, `name!="v"`, `name=~"re"` or `name!~"re"` (CLI and UI input)."""
    found = _TEXT.match(text)
    if not found:
        raise ValueError(f'not a matcher: {text!r} (write name="value", with = != =~ or !~)')
    name, op, value = found.groups()
    # `\"` is a quote and `\\` a backslash; other backslashes stay (regex escapes like `\d`).
    return Matcher(name=name, op=Op(op), value=_UNESCAPE.sub(r"\1", value))
