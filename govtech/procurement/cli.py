"""`flask --app app procurement …`: import-requests, pool --json, export-ocds (thin wrappers over services).

JSON goes to stdout, messages to stderr; each command commits once at the end or exits non-zero having
saved nothing.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from govtech.cli import emit_json, fail, say
from govtech.core.errors import DomainError
from govtech.extensions import db


@click.group("procurement")
def procurement_group():
    """Joint procurement: bulk intake, pooling suggestions, OCDS export."""


@procurement_group.command("import-requests")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_requests_command(file: Path):
    """Insert or update requests from requests.csv by external_id; imported requests are submitted."""
    from govtech.procurement import csv_import, services
    from govtech.procurement.errors import ImportFailed

    try:
        rows = csv_import.parse(file.read_bytes())
        counts = services.import_requests(actor=None, rows=rows, state="submitted")
    except ImportFailed as exc:
        db.session.rollback()
        for line, column, message in sorted(exc.errors):
            say(f"{file.name}:{line}: {column}: {message}" if column else f"{file.name}:{line}: {message}")
        fail(f"{len(exc.errors)} problem(s) found; nothing was imported")
    except DomainError as exc:
        fail(exc.message)
    db.session.commit()
    say(f"imported {counts['created']} new and {counts['updated']} updated request(s) as submitted")


@procurement_group.command("pool")
@click.option("--json", "as_json", is_flag=True, help="Print the suggestions as JSON on stdout.")
@with_appcontext
def pool_command(as_json: bool):
    """Suggested pools over submitted requests, best estimated savings first."""
    from govtech.procurement.queries import pool_suggestions

    pools = pool_suggestions()
    data = [{"request_ids": [r.reference for r in view.requests], "category": view.suggestion.category,
             "estimated_savings_jpy": view.suggestion.estimated_savings_jpy, "fiscal_year": view.fiscal_year,
             "municipalities": [m.code for m in view.municipalities],
             "total_quantity": view.suggestion.total_quantity, "unit": view.suggestion.unit,
             "similarity": view.suggestion.similarity, "shared_terms": view.suggestion.shared_terms}
            for view in pools]
    if as_json:
        emit_json(data)
    else:
        for item in data:
            click.echo(f"{item['category']:<16} ¥{item['estimated_savings_jpy']:>12,}  {' '.join(item['request_ids'])}")
    say(f"{len(data)} pool(s) suggested")


@procurement_group.command("export-ocds")
@click.argument("tender_id", required=False)
@click.option("--all", "export_all", is_flag=True, help="Every joint tender in one package.")
@click.option("--uri", default=None, help="The package URI (default: a URN naming the export).")
@with_appcontext
def export_ocds_command(tender_id: str | None, export_all: bool, uri: str | None):
    """An OCDS 1.1 release package of one tender (id or GT-… reference) or of all tenders, on stdout."""
    from govtech.procurement import ocds
    from govtech.procurement.queries import tenders_for_export

    if bool(tender_id) == export_all:
        fail("give either a TENDER_ID or --all")
    if export_all:
        tenders = tenders_for_export()
    else:
        number = tender_id.rsplit("-", 1)[-1]
        tenders = tenders_for_export([int(number)]) if number.isdigit() else []
        if tenders and tender_id.upper().startswith("GT-") and tenders[0].reference != tender_id.upper():
            tenders = []
    if not tenders:
        fail(f"no joint tender {tender_id}" if tender_id else "there are no joint tenders to export")
    default_uri = f"urn:govtech-tokyo:ocds:{'all' if export_all else tenders[0].reference}"
    emit_json(ocds.release_package(tenders, uri=uri or default_uri))
    say(f"exported {len(tenders)} release(s)")
