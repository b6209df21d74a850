"""Articles as HTML: CommonMark without raw HTML, links only to http, https and mailto,
no images, and fenced code highlighted by Pygments (which escapes what it prints).

The same function renders the article page and the editor's live preview, so what an
author previews is what readers get."""

from __future__ import annotations

from markdown_it import MarkdownIt
from pygments import highlight as _pygmentize
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_SCHEMES = ("http://", "https://", "mailto:")
# nowrap: markdown-it wraps the result in <pre><code class="language-...">.
_FORMATTER = HtmlFormatter(nowrap=True)
CSS_SCOPE = ".kb-doc pre code"


def _highlight(code: str, lang: str, _attrs: object) -> str:
    """Highlighted HTML for a fenced block, or "" (markdown-it then escapes it plainly)."""
    if not lang:
        return ""
    try:
        lexer = get_lexer_by_name(lang.strip().lower())
    except ClassNotFound:
        return ""
    return str(_pygmentize(code, lexer, _FORMATTER))


_markdown = MarkdownIt("commonmark", {"html": False, "highlight": _highlight}).enable("table")
# An image loads from wherever its author points it, on every view.
_markdown.disable("image")
_markdown.validateLink = lambda url: url.strip().lower().startswith(_SCHEMES)  # type: ignore[method-assign]


def render(body: str) -> str:
    """Safe HTML for an article's Markdown."""
    return str(_markdown.render(body))


def stylesheet() -> str:
    """The CSS of highlighted code (the static file `kb.css` is made from it)."""
    return str(_FORMATTER.get_style_defs(CSS_SCOPE))  # type: ignore[no-untyped-call]
