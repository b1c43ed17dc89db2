"""Template globals and filters: menu, locale, yen and date formatting, pagination links."""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from flask import current_app, request, url_for
from flask_babel import format_datetime, format_decimal, get_translations
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_eval_context
from markupsafe import Markup

from govtech.core.nav import nav_for
from govtech.core.notifications import unread_count
from govtech.core.queries import municipality_options
from govtech.core.web import get_locale_code, translated


# Japanese and English group digits the same way (1,234,567), so whole numbers need no locale lookup: a
# list page formats a hundred of them, and Babel's pattern machinery cost more than the rest of a row.
def yen(value) -> str:
    """¥1,234,567 (both locales write yen the same way)."""
    if value is None:
        return "—"
    return f"¥{int(round(value)):,}"


def number(value, digits: int = 0) -> str:
    """A grouped number in the UI locale."""
    if value is None:
        return "—"
    if not digits:
        return f"{int(round(value)):,}"
    return format_decimal(value, format="#,##0." + "0" * digits)


@lru_cache(maxsize=4096)
def _medium_date(value: date, locale: str) -> str:
    return babel_format_date(value, "medium", locale=locale)


@lru_cache(maxsize=4096)
def _long_date(value: date, locale: str) -> str:
    return babel_format_date(value, "long", locale=locale)


def long_date(value: date) -> str:
    """A date in the UI locale's long form (2026年12月8日 / December 8, 2026)."""
    return _long_date(value, get_locale_code())


def day(value) -> str:
    """A date in the UI locale (2026年4月1日 / Apr 1, 2026)."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return format_datetime(value, "medium")
    if isinstance(value, date):
        return _medium_date(value, get_locale_code())
    return str(value)


ROLE_LABELS = {"admin": _l("Administrator"), "coordinator": _l("Coordinator"), "officer": _l("Officer"),
               "professional": _l("Professional")}


def role_label(role: str) -> str:
    """The translated name of a role."""
    return translated(ROLE_LABELS.get(role, role))


def query_args() -> dict[str, str]:
    """The query string's arguments to carry into another link (filters of a list into its CSV, its sort and
    page links), without those named like url_for's own options (`_external`, `_scheme`, `_method`…): they come
    from the address bar, and passed on they made absolute or unbuildable links (a 500)."""
    return {name: value for name, value in request.args.to_dict().items() if not name.startswith("_")}


def _current_endpoint_url(args: dict) -> str:
    """The current endpoint and path values with these query arguments, through the templates' cached
    `url_for` (a list page has a link per sortable column and per page)."""
    route = current_app.jinja_env.globals.get("url_for", url_for)
    return route(request.endpoint, **(request.view_args or {}), **args)


def page_url(page: int) -> str:
    """The current URL with another page number, keeping the filters."""
    args = query_args()
    args["page"] = page
    return _current_endpoint_url(args)


def sort_url(column: str) -> str:
    """The current URL sorted by a column; clicking twice reverses the order."""
    args = query_args()
    current = args.get("sort", "")
    args["sort"] = ("-" + column) if current == column else column
    args.pop("page", None)
    return _current_endpoint_url(args)


def sort_header(column: str, label) -> Markup:
    """The `<th>` of a sortable column: a link sorting by it (again: reversed), `aria-sort` and an arrow on the
    column the list is sorted by. A Python function, not a macro: a list page has four to six of them."""
    current = request.args.get("sort", "")
    aria, arrow = {column: (Markup(' aria-sort="ascending"'), " ▲"),
                   "-" + column: (Markup(' aria-sort="descending"'), " ▼")}.get(current, ("", ""))
    return Markup('<th scope="col"%s>\n    <a href="%s">%s%s</a>\n  </th>') % (aria, sort_url(column), label, arrow)


ID_MARK = 2**31 - 1  # the largest id `<int:…>` accepts (factory.IdConverter), replaced by each row's id


def id_url(endpoint: str, key: str):
    """A function id → `url_for(endpoint, key=id)`, routed once: a list page links every row to its item, and
    routing each link cost more than the rest of the row."""
    head, mark, tail = url_for(endpoint, **{key: ID_MARK}).partition(str(ID_MARK))
    if not mark:  # the id is not in the path (never for our item pages): route each one
        return lambda value: url_for(endpoint, **{key: value})
    return lambda value: f"{head}{int(value)}{tail}"


URL_CACHE_SIZE = 2048


def _url_for_template():
    """`url_for` in templates (one per app), with the URL of a link kept per endpoint, values and request root.

    Every page routes the same thirty-odd links (layout, menu, filters, pipeline) again, which cost more than
    a list row. A relative URL depends only on those (this app has no URL defaults, value preprocessors or
    subdomains); external URLs, anchors, methods, schemes, blueprint-relative endpoints and unhashable values
    are routed each time. The cache is bounded: emptied when full."""
    cache: dict = {}

    def url_for_cached(endpoint: str, **values):
        if endpoint.startswith(".") or any(name.startswith("_") for name in values):
            return url_for(endpoint, **values)
        try:
            key = (endpoint, request.host, request.script_root,
                   frozenset((name, type(value), value) for name, value in values.items()))
            found = cache.get(key)
        except TypeError:  # a list or another unhashable value
            return url_for(endpoint, **values)
        if found is None:
            found = url_for(endpoint, **values)
            if len(cache) >= URL_CACHE_SIZE:
                cache.clear()
            cache[key] = found
        return found

    return url_for_cached


@pass_eval_context
def _template_gettext(eval_ctx, message: str, **variables):
    """`_()` and `gettext()` in templates: Jinja's newstyle gettext (translate, mark safe when autoescaping,
    then `%` the variables, always), with the result of a message without variables kept per language (and the
    translation of a message with variables, filled in on each call).

    A page calls it fifty to a few hundred times; Jinja's alias, Flask-Babel's domain and catalogue lookups
    and the Markup formatting cost more than the rest of a list row. The cache lives on the Jinja
    environment (one per app, so per set of catalogues) and the catalogues do not change while it runs.
    It takes the evaluation context, not the template context: Jinja derives a new template context for each
    call of a context function inside a loop, which cost more than the translation itself."""
    autoescape = eval_ctx.autoescape
    cache = eval_ctx.environment.globals["_gettext_cache"]
    key = (get_locale_code(), message, autoescape, not variables)
    found = cache.get(key)
    if found is None:  # with variables: the translated message, which `%` fills in (and escapes) on each call
        found = _translated_template(message, autoescape)
        found = cache[key] = found if variables else found % {}
    return found % variables if variables else found


def _translated_template(message: str, autoescape: bool):
    """A msgid of our templates translated by our catalogues, safe as Jinja's own gettext makes it; `%` then
    escapes the variables."""
    text = get_translations().ugettext(message)
    return Markup(text) if autoescape else text  # noqa: S704  # nosec B704 - msgids and catalogues are ours


class _LayoutForm:
    """`action_form` of the layout's one-click forms (language, sign out): its `csrf_token` renders the hidden
    input a ConfirmForm renders, with the same token (Flask-WTF makes it once per request and session), without
    building a WTForms form on every page."""

    @property
    def csrf_token(self) -> Markup:
        return Markup('<input id="csrf_token" name="csrf_token" type="hidden" value="%s">') % generate_csrf()


LAYOUT_FORM = _LayoutForm()


def register_template_helpers(app) -> None:
    """Expose the helpers to Jinja."""
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, _gettext_cache={})
    app.jinja_env.filters.update(yen=yen, number=number, day=day, role_label=role_label)
    app.jinja_env.globals.update(page_url=page_url, sort_url=sort_url, sort_header=sort_header, id_url=id_url,
                                 query_args=query_args,
                                 municipality_options=municipality_options, url_for=_url_for_template())

    @app.context_processor
    def _globals():
        signed_in = bool(current_user and current_user.is_authenticated)
        role = current_user.role if signed_in else None
        return {"nav_items": nav_for(role), "lang": get_locale_code(), "action_form": LAYOUT_FORM,
                "unread_notifications": unread_count(current_user.id) if signed_in else 0}
