"""`watchkeeper user`: create, list, set passwords."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.access.passwords import one_time_password
from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.users import service as users
from watchkeeper.catalog.users.roles import Role
from watchkeeper.catalog.users.schemas import MIN_PASSWORD, UserCreate, UserOut
from watchkeeper.cli.common import clock, console, err, fail, friendly, print_json, ready_database
from watchkeeper.core.pagination import MAX_LIMIT, PageRequest, Sort, every_page

app = typer.Typer(help="User accounts.", no_args_is_help=True)

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


def _read_password(from_stdin: bool, *, prompt: bool) -> str | None:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif prompt:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    else:
        return None
    if len(password) < MIN_PASSWORD:
        fail(f"the password needs at least {MIN_PASSWORD} characters")
    return password


@app.command("create")
@friendly
def create(
    login: Annotated[str, typer.Argument(help="Lower-case login, e.g. alice")],
    name: Annotated[str, typer.Option(help="Display name")],
    email: Annotated[str | None, typer.Option(help="Email address")] = None,
    role: Annotated[Role, typer.Option(help="admin, responder or viewer")] = Role.RESPONDER,
    team: Annotated[list[str] | None, typer.Option(help="Team slug; repeat for several")] = None,
    time_zone: Annotated[str, typer.Option(help="IANA time zone")] = "UTC",
    password_stdin: PasswordStdin = False,
) -> None:
    """Create a user. Without --password-stdin a one-time password is printed."""
    password = _read_password(password_stdin, prompt=False)

    def work(session: Session) -> tuple[int, str | None]:
        team_ids = []
        for slug in team or []:
            found = session.scalar(select(Team.id).where(Team.slug == slug))
            if found is None:
                fail(f"no team with slug {slug!r}")
            team_ids.append(found)
        data = UserCreate(
            login=login,
            name=name,
            email=email,
            role=role,
            password=password,
            team_ids=team_ids,
            time_zone=time_zone,
        )
        user, generated = users.create(session, data=data, now=clock.now())
        return user.id, generated

    with ready_database() as database:
        user_id, generated = database.run(work)
    console.print(f"created user {login} (id {user_id}, {role.value})")
    if generated:
        console.print(f"one-time password: {generated}", highlight=False)
        err.print("they must choose their own password at first login")


@app.command("list")
@friendly
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """List every user."""

    def load(session: Session) -> list[UserOut]:
        rows = every_page(
            lambda cursor: users.list_(session, page=PageRequest(MAX_LIMIT, cursor, Sort("login")))
        )
        memberships = users.team_ids_of(session, user_ids=[row.id for row in rows])
        return [
            UserOut.model_validate(row).model_copy(update={"team_ids": memberships[row.id]})
            for row in rows
        ]

    with ready_database() as database:
        rows = database.run(load, write=False)
    if as_json:
        print_json([row.model_dump(mode="json") for row in rows])
        return
    table = Table("id", "login", "name", "email", "role", "status", "teams")
    for row in rows:
        status = "active" if row.is_active else "inactive"
        table.add_row(
            str(row.id),
            row.login,
            row.name,
            row.email or "",
            row.role.value,
            status,
            ", ".join(map(str, row.team_ids)),
        )
    console.print(table)


@app.command("set-password")
@friendly
def set_password(
    login: Annotated[str, typer.Argument(help="Whose password")],
    one_time: Annotated[
        bool, typer.Option("--one-time", help="Generate a one-time password and print it")
    ] = False,
    password_stdin: PasswordStdin = False,
    revoke_tokens: Annotated[
        bool, typer.Option("--revoke-tokens", help="Also revoke all the user's API tokens")
    ] = False,
) -> None:
    """Set a user's password (prompted), or reset it to a printed one-time password.
    The user's web sessions end."""
    password = one_time_password() if one_time else _read_password(password_stdin, prompt=True)
    assert password is not None

    def work(session: Session) -> None:
        user = users.get_by_login(session, login=login)
        users.set_password(
            session,
            user_id=user.id,
            password=password,
            now=clock.now(),
            must_change=one_time,
            revoke_tokens=revoke_tokens,
        )

    with ready_database() as database:
        database.run(work)
    console.print(f"password of {login} changed; logged out everywhere")
    if revoke_tokens:
        console.print(f"API tokens revoked: {login}'s scripts need new ones")
    if one_time:
        console.print(f"one-time password: {password}", highlight=False)
