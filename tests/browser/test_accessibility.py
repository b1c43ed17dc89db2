"""axe-core finds no serious or critical WCAG 2.1 AA issue on the main pages of each role."""
from __future__ import annotations

import pytest

from govtech.demo import DEMO_USERS
from tests.browser.axe import serious_violations

pytestmark = pytest.mark.browser

PAGES = {
    None: ["/login", "/register"],
    "admin": ["/", "/admin/users", "/admin/users/new", "/account/password"],
    "coordinator": ["/", "/audit", "/municipalities"],
    "officer": ["/"],
    "professional": ["/"],
}


@pytest.mark.parametrize("key", list(PAGES))
def test_main_pages_have_no_serious_axe_violations(page, live_server, signed_in, key):
    if key is not None:
        signed_in(DEMO_USERS[key][0])
    problems = {}
    for path in PAGES[key]:
        page.goto(live_server.url + path)
        found = serious_violations(page)
        if found:
            problems[path] = found
    assert problems == {}
