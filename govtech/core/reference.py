"""Loads the shipped reference data (municipalities, categories, skill map) and installs the row counts
(core/row_counts.py); idempotent."""
from __future__ import annotations

import csv
from importlib import resources

from sqlalchemy import select

from govtech.core import row_counts
from govtech.core.models import Category, Municipality, Skill, SkillCategory
from govtech.extensions import db


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("govtech.data").joinpath(name).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(text.splitlines()))


def _upsert(model, key: str, values: dict) -> object:
    obj = db.session.scalar(select(model).where(getattr(model, key) == values[key]))
    if obj is None:
        obj = model(**values)
        db.session.add(obj)
    else:
        for name, value in values.items():
            setattr(obj, name, value)
    return obj


def load_reference_data() -> dict[str, int]:
    """Insert or update municipalities, categories and the starter skill map; returns counts."""
    from flask import current_app

    current_app.extensions.pop("govtech_municipality_options", None)  # the filters' cached <option>s
    for row in _rows("municipalities.csv"):
        _upsert(Municipality, "code", {k: row[k] for k in ("code", "name_ja", "name_en", "kind", "area")})
    for row in _rows("categories.csv"):
        obj = db.session.scalar(select(Category).where(Category.code == row["code"]))
        if obj is None:  # admins may rename categories; never overwrite their edits
            db.session.add(Category(**row))
    categories: dict[str, SkillCategory] = {}
    for position, row in enumerate(_rows("skills.csv")):
        code = row["category"]
        if code not in categories:
            categories[code] = _upsert(SkillCategory, "code", {
                "code": code, "name_ja": row["category_ja"], "name_en": row["category_en"],
                "position": len(categories)})
            db.session.flush()
        skill = db.session.scalar(select(Skill).where(Skill.code == row["code"]))
        if skill is None:
            db.session.add(Skill(code=row["code"], category_id=categories[code].id, name_ja=row["name_ja"],
                                 name_en=row["name_en"], position=position))
    db.session.flush()
    row_counts.install()
    return {
        "municipalities": db.session.query(Municipality).count(),
        "categories": db.session.query(Category).count(),
        "skills": db.session.query(Skill).count(),
    }
