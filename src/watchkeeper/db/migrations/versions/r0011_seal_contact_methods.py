"""seal contact-method addresses and webhook secrets at rest

Apprise URLs carry credentials and webhook secrets sign what we send; a copy of the
database (a backup, a stray file) handed them out. They are now encrypted under a key
derived from the installation's secret key (`watchkeeper.db.sealing`), so upgrading a
database that holds contact methods needs that key: `watchkeeper serve` and
`watchkeeper db upgrade` pass it. Sealed values are longer than the 100 characters
`secret` had.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 11:00:00
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import context, op

from watchkeeper.db.sealing import PREFIX, Sealer

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROWS = sa.text("SELECT id, address, secret FROM contact_methods")
_SET = sa.text("UPDATE contact_methods SET address = :address, secret = :secret WHERE id = :id")


def upgrade() -> None:
    sealer = _sealer()  # before any change: without the key, nothing happens
    with op.batch_alter_table("contact_methods", schema=None) as batch_op:
        batch_op.alter_column(
            "secret", existing_type=sa.String(length=100), type_=sa.Text(), existing_nullable=True
        )
    if sealer is not None:
        _rewrite(lambda value: value if value.startswith(PREFIX) else sealer.seal(value))


def downgrade() -> None:
    sealer = _sealer()
    if sealer is not None:
        _rewrite(lambda value: sealer.open(value) if value.startswith(PREFIX) else value)
    with op.batch_alter_table("contact_methods", schema=None) as batch_op:
        batch_op.alter_column(
            "secret", existing_type=sa.Text(), type_=sa.String(length=100), existing_nullable=True
        )


def _sealer() -> Sealer | None:
    """The installation's sealer, or None when there is nothing to seal."""
    if op.get_bind().execute(sa.text("SELECT count(*) FROM contact_methods")).scalar() == 0:
        return None
    key = context.config.attributes.get("secret_key")
    if not key:
        raise RuntimeError(
            "contact methods are sealed with the secret key from this revision on: "
            "upgrade with the server's settings (watchkeeper db upgrade, or serve)"
        )
    return Sealer(str(key))


def _rewrite(change: Callable[[str], str]) -> None:
    connection = op.get_bind()
    for id_, address, secret in connection.execute(_ROWS).all():
        connection.execute(
            _SET,
            {"id": id_, "address": change(address), "secret": change(secret) if secret else None},
        )
