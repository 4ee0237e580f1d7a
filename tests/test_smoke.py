from openpes.accounts.roles import Role
from openpes.people import selectors


def test_township_officer_sees_own_township_only(places, make_staff, make_person):
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    mine = make_person(county, places.village_a1)
    theirs = make_person(county, places.village_b1)
    officer = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    visible = set(selectors.person_list(actor=officer).values_list("pk", flat=True))
    assert mine.pk in visible
    assert theirs.pk not in visible
