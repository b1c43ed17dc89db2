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
