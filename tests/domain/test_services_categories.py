"""Service catalog (dependencies without cycles) and the category tree."""

from __future__ import annotations

import pytest

from tests.conftest import START
from watchkeeper.catalog.categories import service as categories
from watchkeeper.catalog.categories.schemas import CategoryCreate, CategoryUpdate
from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.services.schemas import ServiceCreate, ServiceUpdate
from watchkeeper.core.errors import Conflict, Invalid
from watchkeeper.db.session import Database


def test_dependencies_form_a_graph_without_cycles(db: Database) -> None:
    with db.transaction() as session:
        db_svc = services.create(session, data=ServiceCreate(name="Postgres"), now=START)
        api = services.create(
            session, data=ServiceCreate(name="API", depends_on=[db_svc.id]), now=START
        )
        web = services.create(
            session, data=ServiceCreate(name="Web", depends_on=[api.id]), now=START
        )
        ids = (db_svc.id, api.id, web.id)
    with pytest.raises(Invalid, match="postgres -> web -> api -> postgres"), db.transaction() as s:
        services.update(s, service_id=ids[0], data=ServiceUpdate(depends_on=[ids[2]]), now=START)
    with pytest.raises(Invalid, match="cycle"), db.transaction() as s:
        services.update(s, service_id=ids[0], data=ServiceUpdate(depends_on=[ids[0]]), now=START)
    with db.transaction(write=False) as session:
        assert services.dependencies_of(session, service_ids=ids) == {
            ids[1]: [ids[0]],
            ids[2]: [ids[1]],
        }


def test_a_duplicate_service_slug_is_a_conflict(db: Database) -> None:
    with db.transaction() as session:
        services.create(session, data=ServiceCreate(name="Checkout"), now=START)
    with pytest.raises(Conflict, match="checkout"), db.transaction() as session:
        services.create(session, data=ServiceCreate(name="checkout"), now=START)


def test_the_default_tree_is_seeded_once_with_two_levels(db: Database) -> None:
    with db.transaction() as session:
        assert categories.seed_defaults(session) is True
        assert categories.seed_defaults(session) is False
        paths = [category.path for category in categories.tree(session)]
    assert "Network > DNS" in paths
    assert "Database > Replication" in paths
    assert paths.index("Network") < paths.index("Network > DNS")


def test_categories_have_two_levels_and_renames_carry_to_children(db: Database) -> None:
    with db.transaction() as session:
        network = categories.create(session, data=CategoryCreate(name="Network"))
        dns = categories.create(session, data=CategoryCreate(name="DNS", parent_id=network.id))
        with pytest.raises(Invalid, match="two levels"):
            categories.create(session, data=CategoryCreate(name="Resolvers", parent_id=dns.id))
        categories.update(session, category_id=network.id, data=CategoryUpdate(name="Networking"))
        assert [c.path for c in categories.tree(session)] == ["Networking", "Networking > DNS"]
    with pytest.raises(Conflict), db.transaction() as session:
        categories.create(session, data=CategoryCreate(name="Networking"))
