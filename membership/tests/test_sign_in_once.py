"""A members' sign-in link works once, as its page says."""

import re

import pytest
from django.core import mail
from django.test import Client

from membership.models import Member
from membership.views import SESSION_KEY

pytestmark = pytest.mark.django_db


def _link(client) -> str:
    client.post("/membership/sign-in/", {"email": "ada@example.org"})
    link = re.search(r"http://testserver(/membership/sign-in/\S+/)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    return link.group(1)


def test_a_sign_in_link_opens_one_session_only(tier):
    Member.objects.create(email="ada@example.org", tier=tier, status="active")
    link = _link(Client())
    first, second, third = Client(), Client(), Client()
    assert first.get(link).status_code == 200  # a mail scanner's visit does not use it up
    assert first.post(link).status_code == 302
    assert first.get("/membership/account/").status_code == 200
    for other in (second, third):
        response = other.post(link)
        assert response.status_code == 400 and "work once" in response.content.decode()
        assert SESSION_KEY not in other.session
        assert other.get("/membership/account/").status_code == 302
    assert first.get(link).status_code == 400  # the confirm page says so too


def test_a_new_link_works_after_the_old_one_was_used(tier):
    Member.objects.create(email="ada@example.org", tier=tier, status="active")
    client = Client()
    old = _link(client)
    assert client.post(old).status_code == 302
    new = _link(client)
    assert new != old
    assert Client().post(new).status_code == 302
    assert Client().post(old).status_code == 400
