"""The demo county's employers: valid credit codes (a village collective, authority N, among them), key
enterprises with their specialist and demand surveys, every verification state, and two portal logins
that work with the demo password."""

from __future__ import annotations

import datetime as dt

from openpes.core.identifiers import parse_uscc
from openpes.demo.services import DEMO_PASSWORD, build_demo
from openpes.employers import rules, services
from openpes.employers.models import DemandSurvey, Employer, Verification


def test_the_demo_has_employers_key_enterprises_and_two_portal_logins(db):
    report = build_demo(persons=40, today=dt.date(2026, 3, 15))
    employers = list(Employer.objects.all())
    assert len(employers) >= 8
    assert all(parse_uscc(e.uscc).value == e.uscc for e in employers)
    assert any(e.uscc.startswith("N") for e in employers)
    assert {e.verification for e in employers} == set(Verification.values)
    key = [e for e in employers if e.is_key_enterprise]
    assert len(key) >= 3 and all(e.specialist is not None for e in key)
    assert DemandSurvey.objects.filter(employer__in=key).count() == len(key)
    assert len(report.employer_logins) == 2
    states = []
    for login in report.employer_logins:
        account = services.portal_authenticate(
            login_name=login.username, password=DEMO_PASSWORD, ip_address="127.0.0.1"
        )
        states.append(rules.account_can_publish(account, account.employer))
    assert states == [True, False]
    assert build_demo(persons=40).employer_logins == report.employer_logins
