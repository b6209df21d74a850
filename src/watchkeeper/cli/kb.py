"""`watchkeeper kb`: the knowledge base on a running server, through its API; `import`
and `export` keep a folder of Markdown runbooks (say, in git) in step with it."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Annotated, Any

import typer

from watchkeeper.cli.client import Api
from watchkeeper.cli.common import console, fail, friendly, print_json
from watchkeeper.cli.incidents import AsJson, Config, Token, Url, _target
from watchkeeper.response.kb import files
from watchkeeper.response.kb.schemas import ImportFile

app = typer.Typer(
    help="Knowledge-base articles on a running server (needs its URL and an API token).",
    no_args_is_help=True,
)
KB = "/api/v1/kb"
Folder = Annotated[Path, typer.Argument(help="Folder of Markdown files (*.md, recursively)")]
ArticleId = Annotated[int, typer.Argument(help="Article id", min=1)]


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def read_folder(folder: Path) -> list[dict[str, Any]]:
    """Every Markdown file under `folder`, parsed; the first bad one stops it all."""
    if not folder.is_dir():
        fail(f"{folder} is not a folder")
    found = []
    for path in sorted(folder.rglob("*.md")):
        relative = path.relative_to(folder).as_posix()
        try:
            parsed = files.parse(relative, path.read_text(encoding="utf-8"))
        except (files.FileError, UnicodeDecodeError) as exc:
            fail(
                f"{exc if isinstance(exc, files.FileError) else f'{relative}: not UTF-8'};"
                " nothing was imported"
            )
        found.append(parsed.model_dump())
    return found


@app.command("import")
@friendly
def import_(
    folder: Folder,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Import a folder: an article per file, matched by path, so running it again updates."""
    found = read_folder(folder)
    if not found:
        fail(f"no .md files in {folder}")
    with Api(_target(url, token, config)) as api:
        result = api.post(f"{KB}/import", {"files": found})
    if as_json:
        print_json(result)
        return
    for kind in ("created", "updated", "unchanged"):
        _say(
            f"{len(result[kind])} {kind}"
            + "".join(f"\n  {p}" for p in result[kind] if kind != "unchanged")
        )


@app.command("export")
@friendly
def export(
    folder: Folder,
    url: Url = None,
    token: Token = None,
    config: Config = None,
) -> None:
    """Write every article to `folder` as Markdown with front matter (an import reads it back)."""
    with Api(_target(url, token, config)) as api:
        found = api.get(f"{KB}/export")
    root = folder.resolve()
    for item in found:
        target = (root / item["path"]).resolve()
        if not target.is_relative_to(root):
            fail(f"{item['path']}: outside {folder}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(files.render(ImportFile.model_validate(item)), encoding="utf-8")
    _say(f"{len(found)} articles written to {folder}")


@app.command("list")
@friendly
def list_(
    tag: Annotated[str | None, typer.Option(help="Only articles with this tag")] = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """List articles, most recently changed first."""
    with Api(_target(url, token, config)) as api:
        found = api.get(f"{KB}/articles", {"tag": tag} if tag else None)
    if as_json:
        print_json(found)
        return
    for article in found:
        tags = f" [{', '.join(article['tags'])}]" if article["tags"] else ""
        _say(f"{article['id']:>5} v{article['version']} {article['title']}{tags}")
    if not found:
        _say("no articles")


@app.command("search")
@friendly
def search(
    query: Annotated[str, typer.Argument(help="Words to find")],
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Full-text search, best first."""
    with Api(_target(url, token, config)) as api:
        found = api.get(f"{KB}/search", {"q": query})
    if as_json:
        print_json(found)
        return
    for hit in found:
        snippet = hit["snippet"].replace("<mark>", "").replace("</mark>", "")
        _say(f"{hit['id']:>5} {hit['title']}\n      {html.unescape(snippet)}")
    if not found:
        _say("nothing found")


@app.command("show")
@friendly
def show(
    article_id: ArticleId,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Print an article's Markdown."""
    with Api(_target(url, token, config)) as api:
        article = api.get(f"{KB}/articles/{article_id}")
    if as_json:
        print_json(article)
        return
    _say(f"# {article['title']} (v{article['version']})\n\n{article['body']}")
