"""Markdown files with front matter: parsed, refused with the file named, written back."""

from __future__ import annotations

import pytest

from watchkeeper.response.kb import files


def test_front_matter_gives_title_tags_and_links() -> None:
    text = (
        "---\ntitle: Disk full\ntags: [disk]\nteam: Storage\nlinks:\n  services: [db]\n"
        "  alerts: ['alertname=\"DiskFull\"']\n---\nBody\n"
    )
    parsed = files.parse("disk.md", text)
    assert (parsed.title, parsed.tags, parsed.team) == ("Disk full", ["disk"], "Storage")
    assert (parsed.services, parsed.alerts, parsed.body) == (
        ["db"],
        ['alertname="DiskFull"'],
        "Body\n",
    )


def test_rendering_and_parsing_give_the_same_file_back() -> None:
    parsed = files.parse("a.md", "---\ntitle: A\nlinks:\n  categories: [Hardware]\n---\nx\n")
    assert files.parse("a.md", files.render(parsed)) == parsed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter", "a.md: title: missing"),
        ("---\ntags: [x]\n---\n", "a.md: title: missing"),
        ("---\ntitle: A\n", "a.md: front matter: no closing ---"),
        ("---\ntitle: [unclosed\n---\n", "a.md: front matter: not YAML"),
        ("---\ntitle: A\nowner: me\n---\n", "a.md: owner: not a known field"),
        ("---\ntitle: A\nlinks:\n  pages: [x]\n---\n", "a.md: links.pages: not a known field"),
    ],
)
def test_a_bad_file_is_refused_naming_file_and_field(text: str, message: str) -> None:
    with pytest.raises(files.FileError, match=message.replace("[", r"\[")):
        files.parse("a.md", text)
