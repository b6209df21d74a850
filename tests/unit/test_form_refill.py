"""A refused form comes back as typed: values kept, errors beside their fields."""

from __future__ import annotations

from watchkeeper.web.ui.refill import field_name, refill

PAGE = """<input name="q" autofocus>
<form method="post" action="/things">
  <label>Name <input name="name" required></label>
  <label>Zone <input name="zone" value="UTC"></label>
  <label>Secret <input name="secret" type="password"></label>
  <select name="kind"><option value="a" selected>A</option><option value="b">B</option></select>
  <textarea name="notes">old</textarea>
  <input type="checkbox" name="tags" value="1"><input type="checkbox" name="tags" value="2" checked>
</form>
<form method="post" action="/other"><input name="name"></form>"""


def filled(**problems: str) -> str:
    values = {
        "name": ['Disk "full" & more'],
        "zone": ["Mars/Olympus"],
        "secret": ["hunter22"],
        "kind": ["b"],
        "notes": ["a <b> line"],
        "tags": ["1"],
    }
    return refill(PAGE, action="/things", values=values, problems=problems)


def test_every_typed_value_comes_back_escaped() -> None:
    page = filled()
    assert 'value="Disk &quot;full&quot; &amp; more"' in page
    assert 'value="Mars/Olympus"' in page
    assert '<option value="b" selected>' in page
    assert '<option value="a">' in page
    assert '<textarea name="notes">a &lt;b&gt; line</textarea>' in page
    assert '<input type="checkbox" name="tags" value="1" checked>' in page
    assert '<input type="checkbox" name="tags" value="2">' in page


def test_a_password_is_never_written_back() -> None:
    assert "hunter22" not in filled()


def test_only_the_form_that_posted_is_filled() -> None:
    assert '<form method="post" action="/other"><input name="name"></form>' in filled()


def test_the_error_sits_beside_its_field_and_the_first_invalid_field_gets_focus() -> None:
    page = filled(zone="unknown time zone", kind="pick one")
    assert (
        '<input name="zone" value="Mars/Olympus" aria-invalid="true" '
        'aria-describedby="zone-error" autofocus>'
        '<small id="zone-error" class="field-error">unknown time zone</small>'
    ) in page
    assert '</select><small id="kind-error" class="field-error">pick one</small>' in page
    assert page.count("autofocus") == 1  # the search box's autofocus gives way


def test_a_list_field_problem_is_shown_at_the_list() -> None:
    assert field_name("body.tags.0") == "tags"
    assert field_name("time_zone") == "time_zone"


def test_the_rest_of_the_page_is_left_as_it_was() -> None:
    page = refill(PAGE, action="/nowhere", values={"name": ["x"]}, problems={})
    assert page == PAGE
