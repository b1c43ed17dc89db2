"""The coordinators' tender list and the request list, cell by cell: rows, links, escaping, badges, sorting,
filters, pagination, officer scoping, in Japanese and English; and the plain rows they read select the same
requests and tenders, in the same order and with the same total, as the ORM lists of the API and CSV exports."""
from __future__ import annotations

import itertools
import re
from datetime import date

import pytest
from babel.dates import format_date
from flask import url_for

from govtech.extensions import db
from govtech.procurement import queries
from govtech.procurement.dates import tokyo_date
from govtech.procurement.models import TENDER_STATES
from tests.procurement.builders import category, join_all, make_request, make_tender, municipality, to_awarded

SCRIPT = '<script>alert("x")</script> & co'
SCRIPT_ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co"


def _cells(html: str) -> list[list[str]]:
    """The table body's rows, each a list of its cells' inner HTML (whitespace collapsed)."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def _headers(html: str) -> int:
    return html.split("<thead>", 1)[1].split("</thead>", 1)[0].count("<th ")


def _client(make_user, login_as, role: str, lang: str, municipality_code: str | None = None):
    user = make_user(role=role, municipality=municipality_code)
    user.locale = lang
    db.session.commit()
    return login_as(user)


def _badge(html_class: str, state: str, text: str) -> str:
    return f'<span class="badge {html_class}" data-state="{state}">{text}</span>'


# --------------------------------------------------------------------------- tenders


@pytest.mark.parametrize("lang, awarded_label, open_label", [("ja", "落札決定", "参加募集中"),
                                                             ("en", "Awarded", "Open for participation")])
def test_tender_list_shows_every_cell_of_each_tender(app, make_user, login_as, lang, awarded_label, open_label):
    awarded = make_tender(title="awarded one")
    to_awarded(awarded)
    scripted = make_tender(title=SCRIPT, category=category("mdm"), fiscal_year=2027)
    join_all(scripted)
    client = _client(make_user, login_as, "coordinator", lang)
    html = client.get("/procurement/tenders").get_data(as_text=True)
    assert "<script>alert" not in html
    rows = _cells(html)
    assert len(rows) == 2 and _headers(html) == 8
    for tender, row in zip((scripted, awarded), rows, strict=True):  # newest first
        names = {"ja": tender.category.name_ja, "en": tender.category.name_en}
        assert row[0] == tender.reference
        assert row[1].startswith(f'<a href="/procurement/tenders/{tender.id}">')
        assert row[2] == names[lang] and row[3] == str(tender.fiscal_year)
        assert row[4] == str(len(tender.joined))
        assert row[6] == format_date(tokyo_date(tender.survey_deadline), "long", locale=lang)
    assert rows[0][1].endswith(f">{SCRIPT_ESCAPED}</a>")
    assert rows[1][1].endswith(">awarded one</a>")
    assert rows[0][5] == "—" and rows[1][5] == f"¥{awarded.award.total_jpy:,}" == "¥3,999,999"
    assert rows[0][7] == _badge("badge-info", "survey_open", open_label)
    assert rows[1][7] == _badge("badge-ok", "awarded", awarded_label)
    assert rows[0][4] == "3"  # everyone offered joined


def test_tender_list_sorts_filters_and_pages(app, make_user, login_as):
    tenders = {title: make_tender(title=title, fiscal_year=fy, category=category(code)) for title, fy, code in (
        ("B tender", 2027, "office-license"), ("A tender", 2027, "mdm"), ("C tender", 2027, "office-license"))}
    to_awarded(tenders["C tender"])
    client = _client(make_user, login_as, "coordinator", "ja")

    def titles(query: str) -> list[str]:
        return [re.sub(r"<[^>]+>", "", row[1]) for row in _cells(client.get(f"/procurement/tenders{query}")
                                                                  .get_data(as_text=True)) if len(row) > 1]

    assert titles("") == ["C tender", "A tender", "B tender"]
    assert titles("?sort=title") == ["A tender", "B tender", "C tender"]
    assert titles("?sort=-title") == ["C tender", "B tender", "A tender"]
    assert titles("?sort=-state") == ["A tender", "B tender", "C tender"]  # survey_open > awarded, then newest
    assert titles("?state=awarded") == ["C tender"]
    assert titles("?category=office-license") == ["C tender", "B tender"]
    assert titles("?category=office-license&sort=title") == ["B tender", "C tender"]
    assert titles("?fy=2026") == []
    assert titles("?q=A%20ten") == ["A tender"]
    html = client.get("/procurement/tenders?sort=-title").get_data(as_text=True)
    assert 'aria-sort="descending"' in html and "?sort=title" in html  # the header reverses the order
    app.config["PAGE_SIZE"] = 2
    html = client.get("/procurement/tenders?page=2").get_data(as_text=True)
    assert [row[0] for row in _cells(html)] == [tenders["B tender"].reference]
    assert "全3件" in html and 'rel="prev"' in html
    assert _cells(client.get("/procurement/tenders?q=nothing").get_data(as_text=True)) == [["該当する案件はありません。"]]


def test_tender_pipeline_links_counts_and_filter_choices(app, make_user, login_as):
    to_awarded(make_tender())
    make_tender()
    client = _client(make_user, login_as, "coordinator", "en")
    html = client.get("/procurement/tenders?state=awarded&category=mdm").get_data(as_text=True)
    pipeline = html.split('<ul class="pipeline"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'<a href="([^"]+)" ?(aria-current="true")?>\s*<span class="value">(\d+)</span>'
                       r'<span class="label">([^<]+)</span>', pipeline)
    with app.test_request_context():
        assert [link[0] for link in links] == [url_for("procurement.tenders_list", state=s) for s in TENDER_STATES]
    assert [(state, n) for (_url, _current, n, _label), state in zip(links, TENDER_STATES, strict=True)
            if n != "0"] == [("survey_open", "1"), ("awarded", "1")]
    assert [link[3] for link in links if link[1]] == ["Awarded"]
    assert '<option value="awarded" selected>Awarded</option>' in html
    assert f'<option value="mdm" selected>{category("mdm").name_en}</option>' in html
    assert f'<option value="office-license" >{category("office-license").name_en}</option>' in html


# --------------------------------------------------------------------------- requests


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_request_list_officers_see_their_municipality_only(app, make_user, login_as, lang):
    own_draft = make_request("13307", title="own draft", submit=False)
    own = make_request("13307", title=SCRIPT, external_id=None, quantity=1200, unit="台", budget_jpy=5_000_000,
                       desired_start=date(2027, 4, 1), category_code="mdm")
    other = make_request("13112", title="other municipality")
    other_draft = make_request("13112", title="other draft", submit=False)
    officer = _client(make_user, login_as, "officer", lang, "13307")
    html = officer.get("/procurement/requests").get_data(as_text=True)
    assert "<script>alert" not in html
    rows = _cells(html)
    assert _headers(html) == 7 and all(len(row) == 7 for row in rows)
    assert [re.search(r'href="/procurement/requests/(\d+)"', row[0]).group(1) for row in rows] == [
        str(own.id), str(own_draft.id)]
    start = {"ja": "2027/04/01", "en": "Apr 1, 2027"}[lang]
    state = {"ja": "提出済み", "en": "Submitted"}[lang]
    assert rows[0] == [f'<a href="/procurement/requests/{own.id}">{SCRIPT_ESCAPED}</a> '
                       f'<div class="muted small">REQ-{own.id}</div>',
                       {"ja": own.category.name_ja, "en": own.category.name_en}[lang], "1,200 台", "¥5,000,000",
                       "2027", start, _badge("badge-info", "submitted", state)]
    assert rows[1][-1] == _badge("badge-muted", "draft", {"ja": "下書き", "en": "Draft"}[lang])
    # another municipality in the filter changes nothing for an officer
    other_id = municipality("13112").id
    assert _cells(officer.get(f"/procurement/requests?municipality={other_id}").get_data(as_text=True)) == rows
    assert f'/procurement/requests/{other.id}"' not in html and f'/procurement/requests/{other_draft.id}"' not in html


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_request_list_coordinators_see_every_submitted_request(app, make_user, login_as, lang):
    make_request("13307", title="draft", submit=False)
    first = make_request("13307", title="first", budget_jpy=300, external_id="13307-A")
    second = make_request("13112", title="second", budget_jpy=100, category_code="mdm", fiscal_year=2026,
                          desired_start=date(2026, 6, 1))
    coordinator = _client(make_user, login_as, "coordinator", lang)

    def listed(query: str = "") -> list[list[str]]:
        return _cells(coordinator.get(f"/procurement/requests{query}").get_data(as_text=True))

    html = coordinator.get("/procurement/requests").get_data(as_text=True)
    assert _headers(html) == 8
    rows = listed()
    assert [row[0].split('">', 1)[1].split("<", 1)[0] for row in rows] == ["second", "first"]
    names = {"ja": "name_ja", "en": "name_en"}[lang]
    assert [row[1] for row in rows] == [getattr(second.municipality, names), getattr(first.municipality, names)]
    assert rows[1][0].endswith('<div class="muted small">13307-A</div>')
    assert [row[0].split('">', 1)[1].split("<", 1)[0] for row in listed("?sort=budget")] == ["second", "first"]
    assert [row[0].split('">', 1)[1].split("<", 1)[0] for row in listed("?sort=-budget")] == ["first", "second"]
    assert [row[0].split('">', 1)[1].split("<", 1)[0] for row in listed("?sort=title")] == ["first", "second"]
    assert len(listed("?category=mdm")) == 1 and len(listed("?fy=2026")) == 1
    assert len(listed("?q=13307-A")) == 1 and len(listed("?state=draft")) == 1  # the empty-list row
    assert len(listed(f"?municipality={municipality('13112').id}")) == 1
    assert '<option value="draft"' not in html and '<option value="submitted"' in html


# --------------------------------------------------------------------------- the rows' queries


def test_plain_rows_select_what_the_orm_lists_select(app, make_user):
    for i in range(7):
        make_request(("13307", "13112", "13101")[i % 3], title=f"request {i % 4}", budget_jpy=1000 + i % 3,
                     category_code=("mdm", "office-license")[i % 2], submit=i != 5)
    for i in range(5):
        tender = make_tender(title=f"tender {i % 3}", category=category(("mdm", "office-license")[i % 2]))
        if i == 2:
            to_awarded(tender)
    users = [make_user(role="coordinator"), make_user(role="officer", municipality="13307")]
    request_filters = {"state": "submitted", "category": "mdm", "fiscal_year": 2027, "q": "request 1",
                       "municipality_id": municipality("13112").id}
    for user, n in itertools.product(users, range(3)):
        for names in itertools.combinations(request_filters, n):
            for sort, page in itertools.product((None, "budget", "-title", "state"), (1, 2)):
                filters = {name: request_filters[name] for name in names}
                orm = queries.request_page(user=user, page=page, per_page=3, sort=sort, **filters)
                rows = queries.request_rows_page(user=user, page=page, per_page=3, lang="ja", sort=sort, **filters)
                assert [r.id for r in orm.items] == rows.items and orm.total == rows.total
    tender_filters = {"state": "awarded", "category": "office-license", "fiscal_year": 2027, "q": "tender 2"}
    for n in range(3):
        for names in itertools.combinations(tender_filters, n):
            for sort, page in itertools.product((None, "title", "-deadline", "state"), (1, 2)):
                filters = {name: tender_filters[name] for name in names}
                orm = queries.tender_page(page=page, per_page=2, sort=sort, **filters)
                rows = queries.tender_rows_page(page=page, per_page=2, lang="en", sort=sort, **filters)
                assert [t.id for t in orm.items] == rows.items and orm.total == rows.total
                for tender, (title, fy, deadline, state, name, total, joined) in zip(orm.items, rows.extra,
                                                                                    strict=True):
                    assert (title, fy, deadline, state, name, total, joined) == (
                        tender.title, tender.fiscal_year, tender.survey_deadline, tender.state,
                        tender.category.name_en, tender.award.total_jpy if tender.award else None, len(tender.joined))
