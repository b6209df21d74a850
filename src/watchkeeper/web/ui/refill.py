"""Give a refused form back as it was typed: every value kept, each error beside its field.

The UI's forms are plain HTML written in many templates. Rather than each template repeating
`value=` and error markup for every input, a page rendered for a refused post passes through
`refill`: inside the form that posted (matched by its `action`), inputs, selects and
textareas get the posted values back; a field with a problem gets `aria-invalid`, a short
message right after it that `aria-describedby` points to, and the first such field gets
`autofocus`. Passwords are never written back. Only the tags that change are rewritten;
the rest of the page is left byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

_NOT_REFILLED = {"hidden", "password", "submit", "button", "reset", "file", "image"}
_CHOICES = {"checkbox", "radio"}
_FIELDS = {"input", "select", "textarea"}


@dataclass
class _Edit:
    start: int
    end: int
    text: str


def field_name(location: str) -> str:
    """The form field a problem's location names: `body.team_ids.0` -> `team_ids`."""
    parts = [part for part in location.split(".") if part not in ("body", "query", "path")]
    return parts[0] if parts else ""


def error_id(name: str) -> str:
    return f"{name.replace('.', '-')}-error"


def _tag(name: str, attrs: Sequence[tuple[str, str | None]], closed: bool) -> str:
    parts = [name]
    for key, value in attrs:
        parts.append(key if value is None else f'{key}="{escape(value, quote=True)}"')
    return "<" + " ".join(parts) + (" />" if closed else ">")


class _Refiller(HTMLParser):
    def __init__(
        self,
        html: str,
        action: str,
        values: Mapping[str, Sequence[str]],
        problems: Mapping[str, str],
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.values = values
        self.problems = problems
        self.edits: list[_Edit] = []
        # Where each line starts: the parser tells positions as (line, column), lines split at \n.
        self.lines = [0]
        for line in html.split("\n"):
            self.lines.append(self.lines[-1] + len(line) + 1)
        self.in_form = False
        self.seen: dict[str, int] = {}
        self.flagged: set[str] = set()
        self.focused = False
        self.select: str | None = None
        self.pending: tuple[str, str] | None = None  # (element, name): error after its end tag
        self.textarea: tuple[str, int] | None = None

    def _at(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], *, closed: bool) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.in_form = (attributes.get("action") or "").split("?")[0] == self.action
            return
        start = self._at()
        end = start + len(self.get_starttag_text() or "")
        if "autofocus" in attributes and self.problems:
            attrs = [(k, v) for k, v in attrs if k != "autofocus"]  # the invalid field wins
            self.edits.append(_Edit(start, end, _tag(tag, attrs, closed)))
        if not self.in_form:
            return
        if tag == "option" and self.select is not None:
            chosen = attributes.get("value") in self.values.get(self.select, ())
            attrs = [(k, v) for k, v in attrs if k != "selected"]
            attrs += [("selected", None)] if chosen else []
            self._replace(start, end, _tag(tag, attrs, closed))
            return
        name = attributes.get("name")
        if tag not in _FIELDS or not name:
            return
        attrs = self._valued(tag, name, attrs)
        problem = self.problems.get(name)
        if problem is not None:
            attrs = self._flagged(name, attrs)
        self._replace(start, end, _tag(tag, attrs, closed))
        if tag == "select":
            self.select = name
        if tag == "textarea":
            self.textarea = (name, end)
        if problem is not None and name not in self.flagged:
            self.flagged.add(name)
            if tag == "input":
                self.edits.append(_Edit(end, end, _message(name, problem)))
            else:
                self.pending = (tag, name)

    def _replace(self, start: int, end: int, text: str) -> None:
        if self.edits and self.edits[-1].start == start:
            self.edits.pop()  # an autofocus removal of the same tag, now folded in
        self.edits.append(_Edit(start, end, text))

    def _valued(
        self, tag: str, name: str, attrs: list[tuple[str, str | None]]
    ) -> list[tuple[str, str | None]]:
        kind = (dict(attrs).get("type") or "text").lower()
        if tag != "input" or kind in _NOT_REFILLED:
            return attrs
        posted = self.values.get(name)
        if kind in _CHOICES:
            value = dict(attrs).get("value") or "on"
            kept = [(k, v) for k, v in attrs if k != "checked"]
            return [*kept, ("checked", None)] if value in (posted or ()) else kept
        index = self.seen.get(name, 0)
        self.seen[name] = index + 1
        if posted is None or index >= len(posted):
            return attrs
        return [(k, v) for k, v in attrs if k != "value"] + [("value", posted[index])]

    def _flagged(
        self, name: str, attrs: list[tuple[str, str | None]]
    ) -> list[tuple[str, str | None]]:
        described = " ".join(
            word for word in (dict(attrs).get("aria-describedby"), error_id(name)) if word
        )
        kept = [(k, v) for k, v in attrs if k not in ("aria-invalid", "aria-describedby")]
        kept += [("aria-invalid", "true"), ("aria-describedby", described)]
        if not self.focused:
            self.focused = True
            kept = [(k, v) for k, v in kept if k != "autofocus"] + [("autofocus", None)]
        return kept

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, content_start = self.textarea
            self.textarea = None
            posted = self.values.get(name)
            if posted:
                self.edits.append(_Edit(content_start, self._at(), escape(posted[0])))
        if self.pending is not None and self.pending[0] == tag:
            at = self._at() + len(f"</{tag}>")
            name = self.pending[1]
            self.edits.append(_Edit(at, at, _message(name, self.problems[name])))
            self.pending = None


def _message(name: str, problem: str) -> str:
    return f'<small id="{error_id(name)}" class="field-error">{escape(problem)}</small>'


def refill(
    html: str,
    *,
    action: str,
    values: Mapping[str, Sequence[str]],
    problems: Mapping[str, str],
) -> str:
    """`html` with the form posting to `action` showing `values` and `problems` (by field)."""
    parser = _Refiller(html, action, values, problems)
    parser.feed(html)
    parser.close()
    out: list[str] = []
    cursor = 0
    for edit in sorted(parser.edits, key=lambda e: (e.start, e.end)):
        if edit.start < cursor:
            continue
        out.append(html[cursor : edit.start])
        out.append(edit.text)
        cursor = edit.end
    out.append(html[cursor:])
    return "".join(out)
