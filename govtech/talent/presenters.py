"""Display rows of the coordinators' list pages (roles, talent pool): every cell of a page's rows computed in one
Python loop from the plain rows of `queries.roles_rows` / `queries.professionals_rows`, labels translated for the
reader's language, so that the template's row loop only prints values.

Escaping: user input (titles, names, external ids) stays plain `str` (or None, printed "None" as before) and
Jinja escapes it; only HTML built here is `Markup`, from translated msgids of our catalogues (safe, as the
templates' `_()` makes them) and values escaped by `Markup.__mod__` / `escape`.
"""
from __future__ import annotations

from flask_babel import gettext
from markupsafe import Markup, escape

from govtech.core.templating import day, id_url
from govtech.core.web import get_locale_code
from govtech.talent import queries
from govtech.talent.vocab import WORK_STYLE_LABELS, label, pipeline_badges, role_state_badge


def _safe(message: str) -> str:
    """A msgid of ours translated: HTML as the templates' `_()` takes it (our catalogues hold no markup to escape).
    Its `%(…)s` are filled here only with numbers, which need no escaping either."""
    return gettext(message)


def role_rows(page, *, coordinator: bool) -> list[tuple]:
    """(role URL, title, external id, municipality name, work, start, state badge, candidates, suggestions URL)
    per role of a `queries.roles_rows` page. Coordinators see each role's pipeline badges and, on open roles,
    the link to its suggestions; officers see the appointed count out of the positions."""
    english = get_locale_code() == "en"
    role_url, suggestions_url = id_url("talent.role_detail", "role_id"), id_url("talent.suggestions", "role_id")
    days_text, appointed_text = _safe("%(days)s d/wk"), _safe("%(n)s of %(p)s appointed")
    styles: dict[str, Markup] = {}
    works: dict[tuple, Markup] = {}
    candidates_of: dict[str, Markup] = {}
    rows = []
    for role_id, (title, external_id, name_ja, name_en, days_per_week, work_style, start_date, state, positions,
                  pipeline) in zip(page.items, page.extra, strict=True):
        work = works.get((days_per_week, work_style))
        if work is None:
            style = styles.get(work_style)
            if style is None:
                style = styles[work_style] = escape(label(WORK_STYLE_LABELS, work_style))
            work = works[days_per_week, work_style] = Markup(  # noqa: S704  # nosec B704 - see _safe, style escaped
                f"{days_text % {'days': f'{days_per_week:g}'}} · {style}")
        if coordinator:
            candidates = candidates_of.get(pipeline)
            if candidates is None:
                candidates = candidates_of[pipeline] = pipeline_badges(queries.pipeline_counts(pipeline))
        else:
            appointed = queries.pipeline_counts(pipeline)["appointed"]
            candidates = Markup(appointed_text % {"n": appointed, "p": int(positions)})  # noqa: S704  # nosec B704
        rows.append((role_url(role_id), title, external_id, name_en if english else name_ja, work, day(start_date),
                     role_state_badge(state), candidates,
                     suggestions_url(role_id) if coordinator and state == "open" else None))
    return rows


def professional_rows(page, skill_names: dict[int, str]) -> list[tuple]:
    """(profile URL, name, external id, top skills, days per week, work style, consent badge) per professional
    of a `queries.professionals_rows` page; top skills as `<span class="term">name level✓</span>`s, highest
    level first, then by skill id (the order within the text is not guaranteed)."""
    professional_url = id_url("talent.professional_detail", "professional_id")
    consent = {True: Markup(f'<span class="badge badge-ok">{_safe("Yes")}</span>'),  # noqa: S704  # nosec B704
               False: Markup(f'<span class="badge badge-muted">{_safe("No")}</span>')}  # noqa: S704  # nosec B704
    terms: dict[str, tuple[tuple[int, int], str]] = {}  # "skill:level:verified" -> (order, HTML)
    styles: dict[str, str] = {}
    rows = []
    for professional_id, (name, external_id, days_per_week, work_style, consenting, top) in zip(
            page.items, page.extra, strict=True):
        shown = []
        for item in top.split(",") if top else ():
            term = terms.get(item)
            if term is None:
                skill_id, level, verified = item.split(":")
                skill_id, level = int(skill_id), int(level)
                skill = escape(skill_names.get(skill_id, "?"))
                term = terms[item] = ((-level, skill_id),
                                      f'<span class="term">{skill} {level}{"✓" if verified == "1" else ""}</span>')
            shown.append(term)
        shown.sort()
        style = styles.get(work_style)
        if style is None:
            style = styles[work_style] = label(WORK_STYLE_LABELS, work_style)
        rows.append((professional_url(professional_id), name, external_id,
                     Markup("".join([html for _order, html in shown])),  # noqa: S704  # nosec B704 - escaped above
                     f"{days_per_week:g}", style, consent[bool(consenting)]))
    return rows


def skill_options(skills: list[tuple[int, str]], chosen: str | None) -> Markup:
    """The pool filter's skill `<option>`s ((id, name) of `queries.skill_names`), the `chosen` id selected: one
    string instead of a template loop over the forty-odd skills."""
    return Markup("".join([  # noqa: S704  # nosec B704 - ids are ints and names are escaped
        f'<option value="{skill_id}" {"selected" if str(skill_id) == chosen else ""}>{escape(name)}</option>'
        for skill_id, name in skills]))
