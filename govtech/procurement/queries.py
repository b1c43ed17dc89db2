"""Read-side queries for procurement pages, panels and commands (eager loading, no N+1, paginated lists)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from sqlalchemy import String, bindparam, cast, func, literal, or_, select, union, union_all
from sqlalchemy.orm import joinedload, selectinload

from govtech.core.models import Category, Municipality, utcnow
from govtech.core.pagination import counted, paginate
from govtech.extensions import db
from govtech.procurement.estimates import curves_by_category
from govtech.procurement.models import (
    AWARDED_STATES,
    JOINED,
    Award,
    JointTender,
    Participation,
    ProcurementRequest,
)
from govtech.procurement.pooling import PoolSuggestion, RequestRecord, suggest_pools

REQUEST_SORTS = {"title": ProcurementRequest.title, "budget": ProcurementRequest.budget_jpy,
                 "start": ProcurementRequest.desired_start, "updated": ProcurementRequest.updated_at,
                 "fy": ProcurementRequest.fiscal_year, "state": ProcurementRequest.state}
TENDER_SORTS = {"title": JointTender.title, "deadline": JointTender.survey_deadline, "state": JointTender.state,
                "fy": JointTender.fiscal_year, "created": JointTender.created_at, "id": JointTender.id}

# The list pages read plain rows of table columns: a statement of ORM attributes, even of columns only, runs
# through the ORM's compile state and loading, which cost a list page about 0.1 ms more. The filters are written
# with table columns too, so that the ORM statements (API, CSV exports) share them.
REQUEST_TABLE, TENDER_TABLE = ProcurementRequest.__table__, JointTender.__table__
CATEGORY_TABLE, MUNICIPALITY_TABLE = Category.__table__, Municipality.__table__


def _table_columns(sorts: dict) -> dict:
    """A sorts dict ({"title": Model.title, …}) with the table's columns instead of the mapped attributes."""
    return {key: attribute.property.columns[0] for key, attribute in sorts.items()}


def sort_key(sorts: dict, sort: str | None) -> tuple[str, bool] | None:
    """(column name, descending) of a `sort` argument ("title", "-budget"), None for the default order."""
    key = (sort or "").lstrip("-")
    return (key, (sort or "").startswith("-")) if key in sorts else None


def _sorted(stmt, sorts: dict, sort: tuple[str, bool] | None, default):
    if sort is None:
        return stmt.order_by(*default)
    column = sorts[sort[0]]
    return stmt.order_by(column.desc() if sort[1] else column.asc(), default[-1])


def _filters(**values) -> dict:
    """The filters that are set (the list pages treat "", 0 and None as unset)."""
    return {name: value for name, value in values.items() if value}


def request_page(*, user, page: int, per_page: int, state: str | None = None, category: str | None = None,
                 fiscal_year: int | None = None, municipality_id: int | None = None, q: str | None = None,
                 sort: str | None = None):
    """Requests a user may list: officers their municipality's, coordinators every non-draft one."""
    officer, params = _request_params(user, state, category, fiscal_year, municipality_id, q)
    statements = _request_statements(officer, frozenset(params), sort_key(REQUEST_SORTS, sort))
    return paginate(statements, params, page=page, per_page=per_page)


def _request_params(user, state, category, fiscal_year, municipality_id, q) -> tuple[bool, dict]:
    """(officer, the values of the filters set) of a request list: an officer's is their municipality's."""
    officer = user.role == "officer"
    params = _filters(state=state, category=category, fiscal_year=fiscal_year,
                      municipality_id=None if officer else municipality_id, like=f"%{q.strip()}%" if q else None)
    if officer:
        params["own_municipality_id"] = user.municipality_id
    return officer, params


@lru_cache(maxsize=256)
def _request_statements(officer: bool, filters: frozenset, sort):
    """request_page's statements for one shape of filters, their values bound at execution."""
    stmt = select(ProcurementRequest).options(joinedload(ProcurementRequest.municipality),
                                              joinedload(ProcurementRequest.category))
    return counted(_sorted(_request_where(stmt, officer, filters), REQUEST_SORTS, sort,
                           (ProcurementRequest.updated_at.desc(), ProcurementRequest.id.desc())))


def _request_where(stmt, officer: bool, filters: frozenset, *, category_joined: bool = False):
    """The requests a user may list (officers: their municipality's; coordinators: every non-draft one) that
    match the filters set; Category joined for a category filter unless the statement already joins it."""
    r = REQUEST_TABLE.c
    if officer:
        stmt = stmt.where(r.municipality_id == bindparam("own_municipality_id"))
    else:
        stmt = stmt.where(r.state != "draft")
    if "municipality_id" in filters:
        stmt = stmt.where(r.municipality_id == bindparam("municipality_id"))
    stmt = _shared_filters(stmt, r, filters, category_joined)
    if "like" in filters:
        stmt = stmt.where(or_(r.title.like(bindparam("like")), r.external_id.like(bindparam("like"))))
    return stmt


def request_rows_page(*, user, page: int, per_page: int, lang: str, state: str | None = None,
                      category: str | None = None, fiscal_year: int | None = None,
                      municipality_id: int | None = None, q: str | None = None, sort: str | None = None):
    """`request_page` for the list page: the same requests, order and total, as plain rows of the columns it
    shows (no ORM objects). `items`: the request ids; `extra`, per id: title, external id, quantity, unit,
    budget, fiscal year, desired start, state, category name and (coordinators) municipality name in `lang`."""
    officer, params = _request_params(user, state, category, fiscal_year, municipality_id, q)
    statements = _request_row_statements(officer, frozenset(params), sort_key(REQUEST_SORTS, sort), lang == "en")
    return paginate(statements, params, page=page, per_page=per_page)


REQUEST_ROW_SORTS = _table_columns(REQUEST_SORTS)


@lru_cache(maxsize=256)
def _request_row_statements(officer: bool, filters: frozenset, sort, english: bool):
    r, category, municipality = REQUEST_TABLE.c, CATEGORY_TABLE.c, MUNICIPALITY_TABLE.c
    stmt = (select(r.id, r.title, r.external_id, r.quantity, r.unit, r.budget_jpy, r.fiscal_year, r.desired_start,
                   r.state, category.name_en if english else category.name_ja)
            .join(CATEGORY_TABLE, category.id == r.category_id))
    if not officer:  # officers see only their own municipality: no column for it
        stmt = (stmt.add_columns(municipality.name_en if english else municipality.name_ja)
                .join(MUNICIPALITY_TABLE, municipality.id == r.municipality_id))
    total = select(func.count()).select_from(_request_where(select(r.id), officer, filters).subquery())
    return counted(_sorted(_request_where(stmt, officer, filters, category_joined=True), REQUEST_ROW_SORTS, sort,
                           (r.updated_at.desc(), r.id.desc())), total=total.scalar_subquery())


def get_request(request_id: int) -> ProcurementRequest | None:
    """One request with its municipality, category and tender."""
    return db.session.scalar(select(ProcurementRequest).where(ProcurementRequest.id == request_id).options(
        joinedload(ProcurementRequest.municipality), joinedload(ProcurementRequest.category),
        joinedload(ProcurementRequest.tender)))


def categories() -> list[Category]:
    """Active categories in code order."""
    return list(db.session.scalars(select(Category).where(Category.active.is_(True)).order_by(Category.id)))


def _distinct_values(column, name: str):
    """SELECT DISTINCT column, as a walk of its index (a recursive CTE: the smallest value, then the smallest
    above it, ...): one index probe per distinct value instead of reading every row. Fiscal years are a handful
    while requests grow by 10,000 a year; the plain DISTINCT read them all on every list page."""
    walk = select(func.min(column).label("v")).cte(name, recursive=True)
    walk = walk.union_all(select(select(func.min(column)).where(column > walk.c.v).scalar_subquery())
                          .where(walk.c.v.is_not(None)))
    return select(walk.c.v).where(walk.c.v.is_not(None))


def _years_union():
    return union(_distinct_values(ProcurementRequest.fiscal_year, "request_years"),
                 _distinct_values(JointTender.fiscal_year, "tender_years"))


def fiscal_years() -> list[int]:
    """Fiscal years that have requests or tenders, newest first."""
    return sorted(db.session.scalars(select(_years_union().subquery().c[0])), reverse=True)


def list_filters(*, pipeline: bool = False) -> tuple[list[Category], list[int], dict[str, int] | None]:
    """`categories()`, `fiscal_years()` and, with pipeline=True, `pipeline_counts()` in one statement: the
    years and the counts ride on the category rows as scalar subqueries (evaluated once), joined into strings.
    The request and tender lists show all three as filters; a statement each cost more than its rows."""
    rows = db.session.execute(_list_filters_statement(pipeline)).all()
    if not rows:  # no category to carry them
        return [], fiscal_years(), pipeline_counts() if pipeline else None
    years = sorted({int(y) for y in (rows[0][1] or "").split(",") if y}, reverse=True)
    counts = None
    if pipeline:
        pairs = (item.rsplit(":", 1) for item in (rows[0][2] or "").split(",") if item)
        counts = {"waiting_requests": rows[0][3], **{state: int(n) for state, n in pairs}}
    return [row[0] for row in rows], years, counts


@cache
def _list_filters_statement(pipeline: bool):
    """Built once per process: the statement has no values, and building it (and its cache key) cost more
    than running it."""
    both = _years_union().subquery()
    columns = [select(func.aggregate_strings(cast(both.c[0], String), ",")).scalar_subquery()]
    if pipeline:
        per_state = select(JointTender.state, func.count().label("n")).group_by(JointTender.state).subquery()
        columns += [select(func.aggregate_strings(per_state.c.state + ":" + cast(per_state.c.n, String), ","))
                    .scalar_subquery(),
                    select(func.count()).where(ProcurementRequest.state == "submitted").scalar_subquery()]
    return select(Category, *columns).where(Category.active.is_(True)).order_by(Category.id)


@dataclass
class PoolView:
    """A pooling suggestion with its requests loaded for display."""

    suggestion: PoolSuggestion
    requests: list[ProcurementRequest]
    category: Category | None
    fiscal_year: int

    @property
    def municipalities(self) -> list[Municipality]:
        seen = {r.municipality.id: r.municipality for r in self.requests}
        return sorted(seen.values(), key=lambda m: m.code)


def poolable_requests(fiscal_year: int | None = None) -> list[ProcurementRequest]:
    """Submitted requests not yet in a tender (the pooling input), with municipality and category."""
    stmt = (select(ProcurementRequest).where(ProcurementRequest.state == "submitted",
                                             ProcurementRequest.tender_id.is_(None))
            .options(joinedload(ProcurementRequest.municipality), joinedload(ProcurementRequest.category))
            .order_by(ProcurementRequest.fiscal_year, ProcurementRequest.id))
    if fiscal_year:
        stmt = stmt.where(ProcurementRequest.fiscal_year == fiscal_year)
    return list(db.session.scalars(stmt))


def pool_suggestions() -> list[PoolView]:
    """pooling.suggest_pools over every poolable request, best estimated savings first."""
    requests = poolable_requests()
    by_id = {str(r.id): r for r in requests}
    records = [RequestRecord(id=str(r.id), municipality=r.municipality.code, category=r.category.code,
                             title=r.title, description=f"{r.description}\n{r.requirements}",
                             quantity=float(r.quantity), unit=r.unit, budget_jpy=r.budget_jpy,
                             fiscal_year=r.fiscal_year, desired_start=r.desired_start) for r in requests]
    curves = {code: curve for code, (curve, _source) in curves_by_category().items()}
    cats = {c.code: c for c in db.session.scalars(select(Category))}
    views = []
    for s in suggest_pools(records, curve=curves):
        members = [by_id[i] for i in s.request_ids]
        views.append(PoolView(suggestion=s, requests=members, category=cats.get(s.category),
                              fiscal_year=members[0].fiscal_year))
    return views


def tender_page(*, page: int, per_page: int, state: str | None = None, category: str | None = None,
                fiscal_year: int | None = None, q: str | None = None, sort: str | None = None):
    """All joint tenders, filtered, sorted and paginated, with category, award and participants (in one more
    query): the API and the CSV export. The list page reads plain rows instead (`tender_rows_page`)."""
    params = _filters(state=state, category=category, fiscal_year=fiscal_year, like=f"%{q.strip()}%" if q else None)
    statements = _tender_statements(frozenset(params), sort_key(TENDER_SORTS, sort))
    return paginate(statements, params, page=page, per_page=per_page)


@lru_cache(maxsize=256)
def _tender_statements(filters: frozenset, sort):
    """tender_page's statements for one shape of filters, their values bound at execution."""
    stmt = select(JointTender).options(joinedload(JointTender.category), joinedload(JointTender.award),
                                       selectinload(JointTender.participations))
    return counted(_sorted(_tender_where(stmt, filters), TENDER_SORTS, sort, (JointTender.id.desc(),)))


def _shared_filters(stmt, columns, filters: frozenset, category_joined: bool):
    """The state, category and fiscal-year filters that requests and tenders share (`columns`: the table's);
    Category joined for a category filter unless the statement already joins it."""
    if "state" in filters:
        stmt = stmt.where(columns.state == bindparam("state"))
    if "category" in filters:
        category = CATEGORY_TABLE.c
        if not category_joined:
            stmt = stmt.join(CATEGORY_TABLE, category.id == columns.category_id)
        stmt = stmt.where(category.code == bindparam("category"))
    if "fiscal_year" in filters:
        stmt = stmt.where(columns.fiscal_year == bindparam("fiscal_year"))
    return stmt


def _tender_where(stmt, filters: frozenset, *, category_joined: bool = False):
    """The tenders that match the filters set; Category joined for a category filter unless already joined."""
    t = TENDER_TABLE.c
    stmt = _shared_filters(stmt, t, filters, category_joined)
    if "like" in filters:
        stmt = stmt.where(t.title.like(bindparam("like")))
    return stmt


def _joined_count():
    """How many municipalities joined the tender of the row (a correlated scalar subquery)."""
    participation = Participation.__table__.c
    return (select(func.count(participation.id)).where(participation.tender_id == TENDER_TABLE.c.id,
                                                       participation.status.in_(JOINED))
            .correlate(TENDER_TABLE).scalar_subquery())


def tender_rows_page(*, page: int, per_page: int, lang: str, state: str | None = None, category: str | None = None,
                     fiscal_year: int | None = None, q: str | None = None, sort: str | None = None):
    """`tender_page` for the list page: the same tenders, order and total, as plain rows of the columns it shows
    (no ORM objects). `items`: the tender ids; `extra`, per id: title, fiscal year, participation deadline,
    state, category name in `lang`, awarded total (None without award), number of municipalities joined."""
    params = _filters(state=state, category=category, fiscal_year=fiscal_year, like=f"%{q.strip()}%" if q else None)
    statements = _tender_row_statements(frozenset(params), sort_key(TENDER_SORTS, sort), lang == "en")
    return paginate(statements, params, page=page, per_page=per_page)


TENDER_ROW_SORTS = _table_columns(TENDER_SORTS)


@lru_cache(maxsize=256)
def _tender_row_statements(filters: frozenset, sort, english: bool):
    t, category, award = TENDER_TABLE.c, CATEGORY_TABLE.c, Award.__table__
    stmt = (select(t.id, t.title, t.fiscal_year, t.survey_deadline, t.state,
                   category.name_en if english else category.name_ja, award.c.total_jpy, _joined_count())
            .join(CATEGORY_TABLE, category.id == t.category_id).outerjoin(award, award.c.tender_id == t.id))
    total = select(func.count()).select_from(_tender_where(select(t.id), filters).subquery())
    return counted(_sorted(_tender_where(stmt, filters, category_joined=True), TENDER_ROW_SORTS, sort,
                           (t.id.desc(),)), total=total.scalar_subquery())


def get_tender(tender_id: int) -> JointTender | None:
    """One tender with everything its detail page shows."""
    return db.session.scalar(select(JointTender).where(JointTender.id == tender_id).options(
        joinedload(JointTender.category),
        selectinload(JointTender.participations).joinedload(Participation.municipality),
        selectinload(JointTender.participations).joinedload(Participation.request),
        selectinload(JointTender.bids), selectinload(JointTender.award).joinedload(Award.bid),
        selectinload(JointTender.requests).joinedload(ProcurementRequest.municipality)))


def open_tenders_for(user, *, show_all: bool = False, page: int = 1, per_page: int = 25):
    """Tenders open for participation for an officer: offered to their municipality or in a category it asked
    for (or all open ones), deadline not passed."""
    stmt = (select(JointTender).where(JointTender.state == "survey_open", JointTender.survey_deadline >= utcnow())
            .options(joinedload(JointTender.category), selectinload(JointTender.participations))
            .order_by(JointTender.survey_deadline, JointTender.id))
    if not show_all:
        own_categories = select(ProcurementRequest.category_id).where(
            ProcurementRequest.municipality_id == user.municipality_id,
            ProcurementRequest.state.notin_(("withdrawn", "declined")))
        offered = select(Participation.tender_id).where(Participation.municipality_id == user.municipality_id)
        stmt = stmt.where(or_(JointTender.category_id.in_(own_categories), JointTender.id.in_(offered)))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def my_participations(user, *, page: int = 1, per_page: int = 25):
    """The officer's municipality's participations (joined or answered), newest tender first."""
    stmt = (select(Participation).where(Participation.municipality_id == user.municipality_id,
                                        Participation.status.in_(JOINED + ("withdrawn",)))
            .options(joinedload(Participation.tender).joinedload(JointTender.category))
            .order_by(Participation.tender_id.desc()))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def savings_table(*, municipality_id: int | None = None) -> list[dict]:
    """Allocated cost and savings per municipality and fiscal year, over awarded tenders."""
    stmt = (select(Municipality, JointTender.fiscal_year, func.count(Participation.id),
                   func.sum(Participation.standalone_jpy), func.sum(Participation.allocated_jpy),
                   func.sum(Participation.savings_jpy))
            .join(Participation, Participation.municipality_id == Municipality.id)
            .join(JointTender, JointTender.id == Participation.tender_id)
            .where(JointTender.state.in_(AWARDED_STATES), Participation.allocated_jpy.is_not(None),
                   Participation.status.in_(JOINED))
            .group_by(Municipality.id, JointTender.fiscal_year)
            .order_by(JointTender.fiscal_year.desc(), Municipality.code))
    if municipality_id:
        stmt = stmt.where(Municipality.id == municipality_id)
    return [{"municipality": m, "fiscal_year": fy, "tenders": n, "standalone_jpy": alone or 0,
             "allocated_jpy": paid or 0, "savings_jpy": saved or 0}
            for m, fy, n, alone, paid, saved in db.session.execute(stmt)]


def pipeline_counts() -> dict[str, int]:
    """Number of tenders per state, and submitted requests waiting for a pool."""
    waiting = (select(literal("waiting_requests").label("state"), func.count().label("n"))
               .select_from(ProcurementRequest).where(ProcurementRequest.state == "submitted"))
    per_state = select(JointTender.state, func.count()).group_by(JointTender.state)
    return {"waiting_requests": 0, **dict(db.session.execute(union_all(per_state, waiting)).all())}


def tenders_near_deadline(limit: int = 5) -> list[JointTender]:
    """Open tenders whose participation deadline comes first."""
    return list(db.session.scalars(
        select(JointTender).where(JointTender.state == "survey_open", JointTender.survey_deadline >= utcnow())
        .options(selectinload(JointTender.participations)).order_by(JointTender.survey_deadline).limit(limit)))


def request_counts(municipality_id: int) -> dict[str, int]:
    """The municipality's requests per state."""
    return dict(db.session.execute(select(ProcurementRequest.state, func.count()).where(
        ProcurementRequest.municipality_id == municipality_id).group_by(ProcurementRequest.state)).all())


def awarded_tenders(*, page: int = 1, per_page: int = 25):
    """Awarded tenders for the public open-data page, newest first."""
    stmt = (select(JointTender).where(JointTender.state.in_(AWARDED_STATES))
            .options(joinedload(JointTender.category), selectinload(JointTender.award),
                     selectinload(JointTender.participations).joinedload(Participation.municipality))
            .order_by(JointTender.id.desc()))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def tenders_for_export(tender_ids: list[int] | None = None, *, awarded_only: bool = False) -> list[JointTender]:
    """Tenders with everything the OCDS export needs, in id order."""
    stmt = select(JointTender).options(
        joinedload(JointTender.category), selectinload(JointTender.bids),
        selectinload(JointTender.award).joinedload(Award.bid),
        selectinload(JointTender.participations).joinedload(Participation.municipality)).order_by(JointTender.id)
    if tender_ids is not None:
        stmt = stmt.where(JointTender.id.in_(tender_ids))
    if awarded_only:
        stmt = stmt.where(JointTender.state.in_(AWARDED_STATES))
    return list(db.session.scalars(stmt))
