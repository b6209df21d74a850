"""`watchkeeper token`: API tokens for scripts and integrations."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from watchkeeper.catalog.access import service as access
from watchkeeper.catalog.access.schemas import TokenOut
from watchkeeper.catalog.users import service as users
from watchkeeper.catalog.users.roles import Role
from watchkeeper.cli.common import clock, console, err, friendly, print_json, ready_database
from watchkeeper.core.pagination import MAX_LIMIT, PageRequest, Sort, every_page

app = typer.Typer(help="API tokens.", no_args_is_help=True)


@app.command("create")
@friendly
def create(
    user: Annotated[str, typer.Option("--user", help="Login of the token's owner")],
    name: Annotated[str, typer.Option("--name", help="What the token is for")],
    role: Annotated[
        Role | None, typer.Option(help="Scope, at most the owner's role (default: theirs)")
    ] = None,
    expires_days: Annotated[
        int | None, typer.Option(help="Lifetime in days (default 90)", min=1, max=3650)
    ] = 90,
    no_expiry: Annotated[bool, typer.Option("--no-expiry", help="Never expires")] = False,
) -> None:
    """Create a token and print it on standard output (it is shown only this once)."""

    def work(session: Session) -> tuple[int, str]:
        owner = users.get_by_login(session, login=user)
        token, secret = access.create_token(
            session,
            owner=owner,
            name=name,
            role=role,
            expires_in_days=None if no_expiry else expires_days,
            now=clock.now(),
        )
        return token.id, secret

    with ready_database() as database:
        token_id, secret = database.run(work)
    err.print(f"created token {token_id} for {user}; it is shown only once:")
    typer.echo(secret)


@app.command("list")
@friendly
def list_(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's tokens")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """List tokens (never their secrets)."""

    def load(session: Session) -> list[TokenOut]:
        owner_id = users.get_by_login(session, login=user).id if user else None
        rows = every_page(
            lambda cursor: access.list_tokens(
                session, user_id=owner_id, page=PageRequest(MAX_LIMIT, cursor, Sort("id"))
            )
        )
        return [TokenOut.model_validate(row) for row in rows]

    with ready_database() as database:
        rows = database.run(load, write=False)
    if as_json:
        print_json([row.model_dump(mode="json") for row in rows])
        return
    table = Table("id", "user", "name", "prefix", "role", "expires", "last used", "revoked")
    for row in rows:
        table.add_row(
            str(row.id),
            str(row.user_id),
            row.name,
            row.prefix,
            row.role.value,
            str(row.expires_at or "never"),
            str(row.last_used_at or "never"),
            str(row.revoked_at or ""),
        )
    console.print(table)


@app.command("revoke")
@friendly
def revoke(token_id: Annotated[int, typer.Argument(help="Token id (see `token list`)")]) -> None:
    """Revoke a token; it stops working at once."""
    with ready_database() as database:
        database.run(lambda s: access.revoke_token(s, token_id=token_id, now=clock.now()))
    console.print(f"token {token_id} revoked")
