"""`flask talent …`: bulk imports, suggestions as JSON, retraining (thin wrappers over the services).

JSON goes to stdout, messages and errors to stderr; each command commits once, or rolls back on error.
"""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from govtech.cli import emit_json, fail, say
from govtech.extensions import db


@click.group("talent")
def talent_group():
    """Digital-talent sharing: imports, suggestions, the scoring model."""


def _import(kind: str, path: str) -> None:
    from govtech.talent import csv_import

    run = csv_import.import_professionals if kind == "professionals" else csv_import.import_roles
    try:
        result = run(Path(path).read_bytes())
    except csv_import.ImportFailed as exc:
        db.session.rollback()
        for error in exc.errors:
            say(f"{path}: {error}")
        fail(f"{len(exc.errors)} problem(s) found; nothing was imported")
    db.session.commit()
    say(f"imported {kind}: {result.created} created, {result.updated} updated")
    if kind == "professionals":
        from govtech.talent import ranking

        started = time.perf_counter()
        fitted = ranking.store_pool()
        if fitted is not None:
            say(f"talent pool of {len(fitted.ids)} fitted and stored for suggestions "
                f"({time.perf_counter() - started:.1f} s)")


@talent_group.command("import-professionals")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_professionals_command(file: str):
    """Insert or update professionals from professionals.csv (all rows or none)."""
    _import("professionals", file)


@talent_group.command("import-roles")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_roles_command(file: str):
    """Insert or update roles from roles.csv (imported roles are open)."""
    _import("roles", file)


def _external_ids(ids) -> dict[int, str | None]:
    from govtech.talent.models import Professional

    ids = list(ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Professional.id, Professional.external_id)
                                   .where(Professional.id.in_(ids))).all())


@talent_group.command("suggest")
@click.argument("role_external_id")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
@with_appcontext
def suggest_command(role_external_id: str, top: int, as_json: bool):
    """Best professionals for one role, best first, with the explanation; gated-out ones excluded."""
    from govtech.talent import ranking
    from govtech.talent.models import Role

    role = db.session.scalar(select(Role).where(Role.external_id == role_external_id))
    if role is None:
        fail(f"no role with external_id {role_external_id!r}")
    ranked = ranking.suggest(role, top=top)
    ext = _external_ids(s.professional_id for s in ranked)
    rows = [{"external_id": ext[s.professional_id], "score": s.score, "explanation": s.explanation} for s in ranked]
    if as_json:
        emit_json(rows)
    else:
        for n, row in enumerate(rows, 1):
            click.echo(f"{n:>3}. {row['external_id']}  {row['score']:.3f}")
    say(f"{len(rows)} suggestion(s) for {role_external_id}")


@talent_group.command("suggest-all")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
@with_appcontext
def suggest_all_command(top: int, as_json: bool):
    """Best professionals for every open role: {ROLE_EXTERNAL_ID: [{external_id, score}, …]}."""
    from govtech.talent import ranking
    from govtech.talent.models import Role

    result = ranking.suggest_all(top=top)
    roles = dict(db.session.execute(select(Role.id, Role.external_id).where(Role.id.in_(list(result)))).all())
    ext = _external_ids({pid for rows in result.values() for pid, _s in rows})
    out = {roles[rid] or f"#{rid}": [{"external_id": ext[pid], "score": score} for pid, score in rows]
           for rid, rows in result.items()}
    if as_json:
        emit_json(out)
    else:
        for role, rows in out.items():
            click.echo(f"{role}: " + ", ".join(f"{r['external_id']} ({r['score']:.3f})" for r in rows))
    say(f"suggestions for {len(out)} open role(s)")


@talent_group.command("retrain")
@click.option("--json", "as_json", is_flag=True, help="Print the new model version and metrics as JSON.")
@with_appcontext
def retrain_command(as_json: bool):
    """Retrain the scoring weights on coordinators' recorded decisions."""
    from govtech.talent import training

    model = training.retrain()
    db.session.commit()
    if as_json:
        emit_json({"version": model.version, "fallback": model.fallback, "n_decisions": model.n_decisions,
                   "weights": model.weights, "metrics": model.metrics})
    state = "prior weights kept (fallback)" if model.fallback else "learned weights active"
    say(f"scoring model v{model.version}: {model.n_decisions} decisions, {state}")
    for key in ("ndcg@5", "precision@5", "prior_ndcg@5", "prior_precision@5"):
        if model.metrics.get(key) is not None:
            say(f"  {key}: {model.metrics[key]:.3f}")
