"""Helpers for page tests: administrators signed in with a verified second factor, HTML text checks."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from openpes.accounts.models import Staff
from openpes.accounts.roles import Role
from tests import factories
from tests.conftest import COUNTY

FULL_ID = re.compile(r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9X](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


@pytest.fixture(autouse=True)
def keep_id_sequence() -> Iterator[None]:
    """Page tests register many persons; put the factory's ID sequence back afterwards, because the birth
    date of `make_id_number` drifts by a day every 500 numbers and other tests expect the date they asked."""
    start = next(factories._sequence)
    yield
    factories._sequence = itertools.count(start)


def verify_second_factor(client: Client, staff: Staff) -> TOTPDevice:
    """What a successful TOTP check leaves in the session (django_otp.login), without typing a code."""
    device = TOTPDevice.objects.create(user=staff, name="测试", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def admin_client(login_as: Callable[..., Client]) -> Callable[..., Client]:
    """`admin_client(region)` → an administrator of that region, signed in and past the second factor."""

    def make(region: str = COUNTY, role: str = Role.ADMINISTRATOR) -> Client:
        client = login_as(role, region)
        verify_second_factor(client, client.staff)  # type: ignore[attr-defined]
        return client

    return make


def text_of(response: Any) -> str:
    return response.content.decode()


def assert_no_full_identifiers(text: str) -> None:
    assert not FULL_ID.search(text), FULL_ID.search(text)
    assert not MOBILE.search(text), MOBILE.search(text)
