"""The list pages filter, sort and paginate on the server; the gaps closed here: coordinators filter requests and
roles by municipality, the talent pool sorts by column; the CSV link carries the current filters."""
from __future__ import annotations

import re

from govtech.accounts.services import find_municipality
from tests.conftest import login
from tests.procurement.builders import make_request


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_coordinators_filter_requests_by_municipality(app, people):
    make_request("13307", title="檜原村の要望")
    make_request("13112", title="世田谷区の要望")
    client = _client(app, people["coordinator"])
    setagaya = find_municipality("13112").id
    page = client.get(f"/procurement/requests?municipality={setagaya}").get_data(as_text=True)
    assert "世田谷区の要望" in page and "檜原村の要望" not in page
    assert f'<option value="{setagaya}" selected>' in page
    assert f"/procurement/requests.csv?municipality={setagaya}" in page
    officer_page = _client(app, people["officer"]).get(f"/procurement/requests?municipality={setagaya}")
    html = officer_page.get_data(as_text=True)
    assert "檜原村の要望" in html and "世田谷区の要望" not in html and 'id="municipality"' not in html


def test_coordinators_filter_roles_by_municipality(app, people, make_role):
    make_role(title="檜原村の募集")
    make_role(title="世田谷区の募集", municipality="13112")
    page = _client(app, people["coordinator"]).get(
        f"/talent/roles?municipality={find_municipality('13307').id}").get_data(as_text=True)
    assert "檜原村の募集" in page and "世田谷区の募集" not in page


def test_the_talent_pool_sorts_by_column_and_keeps_the_filters(app, people, make_professional):
    for name, days in (("Bさん", 1.0), ("Aさん", 3.0), ("Cさん", 2.0)):
        make_professional(name=name, days=days)
    client = _client(app, people["coordinator"])

    def names(query: str) -> list[str]:
        html = client.get(f"/talent/professionals?{query}").get_data(as_text=True)
        return re.findall(r">([ABC]さん)</a>", html)

    assert names("sort=name") == ["Aさん", "Bさん", "Cさん"]
    assert names("sort=-days") == ["Aさん", "Cさん", "Bさん"]
    html = client.get("/talent/professionals?consent=yes&sort=name").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html and "consent=yes" in html and "sort=-name" in html


def test_sort_and_page_links_ignore_address_bar_arguments_named_like_url_for_options(app, people):
    """`?_scheme=javascript&_external=1` used to reach url_for through the sort and page links (a 500, or an
    absolute link); such arguments are dropped, the real filters are kept, and the links are routed once."""
    for i in range(30):
        make_request("13307", title=f"要望{i:02d}")
    client = _client(app, people["coordinator"])
    for query in ("_scheme=javascript&_external=1&q=要望", "_anchor=x&q=要望", "_method=POST&q=要望"):
        response = client.get(f"/procurement/requests?{query}")
        assert response.status_code == 200, query
        html = response.get_data(as_text=True)
        links = re.findall(r'href="([^"]*sort=[^"]*|[^"]*page=2[^"]*)"', html)
        assert links, query
        assert all(link.startswith("/procurement/requests?") and "_" not in link.split("?")[1].split("=")[0]
                   and "javascript" not in link and "#" not in link for link in links), links
        assert any("q=" in link for link in links)
