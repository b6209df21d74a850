"""Use cases of the category tree, and the default tree a new installation starts with."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from watchkeeper.catalog.categories import errors
from watchkeeper.catalog.categories.models import Category
from watchkeeper.catalog.categories.schemas import CategoryCreate, CategoryUpdate
from watchkeeper.db.unique import add_unique

SEPARATOR = " > "
DEFAULT_TREE: dict[str, tuple[str, ...]] = {
    "Application": ("Errors", "Performance", "Deployment", "Configuration"),
    "Database": ("Availability", "Performance", "Replication", "Backup"),
    "Network": ("DNS", "Connectivity", "Load balancer", "Firewall", "VPN"),
    "Infrastructure": ("Compute", "Storage", "Kubernetes", "Power and cooling"),
    "Security": ("Access", "Vulnerability", "Certificates", "Malware"),
    "Third party": ("Cloud provider", "SaaS", "Payment provider"),
}


def create(session: Session, *, data: CategoryCreate) -> Category:
    path = data.name.strip()
    if data.parent_id is not None:
        parent = get(session, category_id=data.parent_id)
        if parent.parent_id is not None:
            raise errors.too_deep()
        path = parent.path + SEPARATOR + path
    category = Category(
        name=data.name.strip(), parent_id=data.parent_id, path=path, description=data.description
    )
    add_unique(session, category, lambda: errors.path_taken(path))
    return category


def get(session: Session, *, category_id: int) -> Category:
    category = session.get(Category, category_id)
    if category is None:
        raise errors.category_not_found(category_id)
    return category


def tree(session: Session) -> Sequence[Category]:
    """Every category, each parent followed by its children, both by name.

    Sorted here rather than by the database, whose collation might interleave them.
    """
    rows = session.scalars(select(Category)).all()
    children: dict[int | None, list[Category]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[Category] = []
    for parent in sorted(children.get(None, []), key=lambda c: c.name.casefold()):
        ordered.append(parent)
        ordered.extend(sorted(children.get(parent.id, []), key=lambda c: c.name.casefold()))
    return ordered


def update(session: Session, *, category_id: int, data: CategoryUpdate) -> Category:
    """Rename or describe a category; a renamed parent renames its children's paths."""
    category = get(session, category_id=category_id)
    changes = data.model_dump(exclude_unset=True)
    try:
        with session.begin_nested():
            if "description" in changes:
                category.description = changes["description"]
            if "name" in changes:
                old_path = category.path
                category.name = changes["name"].strip()
                category.path = _path(session, category)
                if category.parent_id is None:
                    session.execute(
                        sql_update(Category)
                        .where(Category.parent_id == category.id)
                        .values(path=category.path + func.substr(Category.path, len(old_path) + 1))
                    )
    except IntegrityError:
        raise errors.path_taken(changes.get("name", category.name)) from None
    return category


def delete_(session: Session, *, category_id: int) -> None:
    """Delete a category and its children; incidents keep no category then."""
    session.delete(get(session, category_id=category_id))
    session.flush()


def seed_defaults(session: Session) -> bool:
    """Fill an empty tree with DEFAULT_TREE; returns whether it did."""
    if session.scalar(select(func.count()).select_from(Category)):
        return False
    for parent_name, children in DEFAULT_TREE.items():
        parent = create(session, data=CategoryCreate(name=parent_name))
        for child in children:
            create(session, data=CategoryCreate(name=child, parent_id=parent.id))
    return True


def _path(session: Session, category: Category) -> str:
    if category.parent_id is None:
        return category.name
    parent = get(session, category_id=category.parent_id)
    return parent.path + SEPARATOR + category.name
