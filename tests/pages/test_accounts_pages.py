"""Account pages: login (with lockout), logout, second factor, API tokens, staff management."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from openpes.accounts.models import ApiToken, Staff
from openpes.accounts.roles import Role
from openpes.audit.models import ChangeLog
from tests.conftest import PASSWORD
from tests.pages.conftest import text_of, verify_second_factor

pytestmark = pytest.mark.django_db


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# --- login and logout ----------------------------------------------------------------------------------------


def test_login_page_is_chinese_and_mobile_ready(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    text = text_of(response)
    assert '<meta charset="utf-8">' in text
    assert 'name="viewport"' in text
    assert "工作人员登录" in text


def test_login_goes_to_the_dashboard(client, make_staff):
    staff = make_staff(Role.COUNTY_OFFICER)
    response = client.post("/accounts/login/", {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_login_honours_a_local_next_only(client, make_staff):
    staff = make_staff(Role.COUNTY_OFFICER)
    response = client.post(
        "/accounts/login/",
        {"username": staff.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"
    client.post("/accounts/logout/")
    response = client.post(
        "/accounts/login/", {"username": staff.username, "password": PASSWORD, "next": "/persons/"}
    )
    assert response["Location"] == "/persons/"


def test_wrong_password_gives_a_chinese_error(client, make_staff):
    staff = make_staff(Role.COUNTY_OFFICER)
    response = client.post("/accounts/login/", {"username": staff.username, "password": "wrong-Passw0rd"})
    assert response.status_code == 200
    assert "登录名或密码不正确" in text_of(response)
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_with_a_chinese_page(client, make_staff, settings):
    staff = make_staff(Role.COUNTY_OFFICER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": staff.username, "password": "wrong-Passw0rd"})
    response = client.post("/accounts/login/", {"username": staff.username, "password": PASSWORD})
    assert response.status_code in (403, 429)
    text = text_of(response)
    assert "账号已暂时锁定" in text
    assert '<meta charset="utf-8">' in text
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username=staff.username).exists()


def test_logout_is_post_only(login_as):
    client = login_as(Role.COUNTY_OFFICER)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_navigation_shows_name_jurisdiction_roles_and_links_by_permission(places, login_as):
    text = text_of(login_as(Role.TOWNSHIP_OFFICER, places.township_a).get("/"))
    assert "测试员" in text
    assert "乡镇（街道）经办人员" in text
    assert 'href="/persons/"' in text and 'href="/households/"' in text
    assert 'href="/accounts/staff/"' not in text and 'href="/audit/changes/"' not in text
    assert "退出登录" in text
    auditor = text_of(login_as(Role.AUDITOR, places.county).get("/"))
    assert 'href="/audit/changes/"' in auditor and 'href="/audit/access/"' in auditor
    assert 'href="/persons/"' not in auditor


# --- second factor -------------------------------------------------------------------------------------------


def test_administrator_is_sent_to_the_second_factor(login_as):
    client = login_as(Role.ADMINISTRATOR)
    response = client.get("/accounts/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/otp/?next=/accounts/staff/")


def test_enrolment_shows_a_qr_code_and_the_secret_then_verifies(login_as):
    client = login_as(Role.ADMINISTRATOR)
    response = client.get("/accounts/otp/?next=/accounts/staff/")
    text = text_of(response)
    assert response.status_code == 200
    assert "绑定身份验证器" in text
    assert 'src="data:image/svg+xml' in text
    device = TOTPDevice.objects.get(user=client.staff)
    assert not device.confirmed
    assert 'id="totp-secret"' in text
    response = client.post("/accounts/otp/", {"token": current_code(device), "next": "/accounts/staff/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/staff/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/accounts/staff/").status_code == 200


def test_confirmed_device_is_not_shown_again(login_as):
    client = login_as(Role.ADMINISTRATOR)
    TOTPDevice.objects.create(user=client.staff, name="已绑定", confirmed=True)
    text = text_of(client.get("/accounts/otp/"))
    assert "data:image/svg+xml" not in text
    assert 'id="totp-secret"' not in text


@pytest.mark.parametrize(
    ("code", "message"), [("12", "请输入身份验证器上显示的6位数字"), ("000000", "验证码不正确")]
)
def test_wrong_code_is_refused_in_chinese(login_as, code, message):
    client = login_as(Role.ADMINISTRATOR)
    client.get("/accounts/otp/")
    response = client.post("/accounts/otp/", {"token": code})
    assert response.status_code == 200
    assert message in text_of(response)
    assert not TOTPDevice.objects.get(user=client.staff).confirmed
    assert client.get("/accounts/staff/").status_code == 302


def test_otp_redirect_refuses_other_hosts(login_as):
    client = login_as(Role.ADMINISTRATOR)
    client.get("/accounts/otp/")
    device = TOTPDevice.objects.get(user=client.staff)
    response = client.post("/accounts/otp/", {"token": current_code(device), "next": "//evil.example/"})
    assert response["Location"] == "/"


# --- API tokens ----------------------------------------------------------------------------------------------


def test_token_is_shown_once(login_as):
    client = login_as(Role.VILLAGE_BROKER)
    assert client.get("/accounts/tokens/").status_code == 200
    response = client.post("/accounts/tokens/", {"name": "村级数据对接", "days": "30"})
    text = text_of(response)
    token = ApiToken.objects.get()
    raw = text.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert raw.startswith(token.prefix)
    assert ApiToken.digest_of(raw) == token.digest
    assert "no-store" in response["Cache-Control"]
    again = text_of(client.get("/accounts/tokens/"))
    assert raw not in again
    assert "村级数据对接" in again and "有效" in again


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "days": "30"}, "请填写用途"),
        ({"name": "对接", "days": "0"}, "有效期应为1至366天"),
        ({"name": "对接", "days": "400"}, "有效期应为1至366天"),
        ({"name": "<x>", "days": "30"}, "不能包含"),
        ({"name": "对接", "days": "三十"}, "有效天数应为整数"),
    ],
)
def test_token_bad_input_creates_nothing(login_as, data, message):
    client = login_as(Role.VILLAGE_BROKER)
    before = ChangeLog.objects.count()
    text = text_of(client.post("/accounts/tokens/", data))
    assert message in text
    assert ApiToken.objects.count() == 0
    assert ChangeLog.objects.count() == before


def test_revoke_own_token_and_not_another_ones(login_as):
    from openpes.accounts.services import token_create

    client = login_as(Role.VILLAGE_BROKER)
    other = login_as(Role.VILLAGE_BROKER)
    mine, _ = token_create(actor=client.staff, name="我的")
    theirs, _ = token_create(actor=other.staff, name="别人的")
    assert client.get(f"/accounts/tokens/{mine.pk}/revoke/").status_code == 405
    assert client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    response = client.post(f"/accounts/tokens/{mine.pk}/revoke/")
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    assert "已吊销" in text_of(client.get("/accounts/tokens/"))


def test_tokens_page_needs_sign_in(client):
    assert client.get("/accounts/tokens/")["Location"].startswith("/accounts/login/")


# --- staff management ----------------------------------------------------------------------------------------


def staff_form(region: str, **overrides: object) -> dict[str, object]:
    return {
        "username": "newbroker",
        "full_name": "龙小花",
        "password1": "Strong#Pass-2026",
        "password2": "Strong#Pass-2026",
        "jurisdiction_code": region,
        "roles": [Role.VILLAGE_BROKER],
        "institution": "",
    } | overrides


def test_staff_list_is_scoped_to_the_jurisdiction(places, admin_client, make_staff):
    in_a = make_staff(Role.VILLAGE_BROKER, places.village_a1, username="broker_a")
    in_b = make_staff(Role.VILLAGE_BROKER, places.village_b1, username="broker_b")
    client = admin_client(places.township_a)
    text = text_of(client.get("/accounts/staff/"))
    assert "broker_a" in text and "broker_b" not in text
    assert "村级劳务经纪人" in text
    assert client.get(f"/accounts/staff/{in_a.pk}/").status_code == 200
    assert client.get(f"/accounts/staff/{in_b.pk}/").status_code == 404
    assert "broker_a" not in text_of(client.get("/accounts/staff/", {"q": "broker_b"}))


def test_create_staff_offers_only_regions_inside(places, admin_client):
    client = admin_client(places.township_a)
    text = text_of(client.get("/accounts/staff/new/"))
    assert f'value="{places.village_a1}"' in text
    assert f'value="{places.village_b1}"' not in text
    assert f'value="{places.county}"' not in text


def test_create_staff(places, admin_client):
    client = admin_client(places.county)
    response = client.post("/accounts/staff/new/", staff_form(places.village_a1))
    staff = Staff.objects.get(username="newbroker")
    assert response["Location"] == f"/accounts/staff/{staff.pk}/"
    assert staff.jurisdiction_id == places.village_a1
    assert staff.roles == {Role.VILLAGE_BROKER}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password1": "short", "password2": "short"}, "密码"),
        ({"password1": "aaaaaaaaaaaa", "password2": "aaaaaaaaaaaa"}, "至少三类"),
        ({"password2": "Other#Pass-2026"}, "两次输入的密码不一致"),
        ({"roles": []}, "请选择角色"),
        ({"roles": ["king"]}, "所选角色不在可选范围内"),
        ({"username": "坏 名字"}, "登录名只能包含"),
        ({"full_name": ""}, "请填写姓名"),
    ],
)
def test_create_staff_bad_input_writes_nothing(places, admin_client, overrides, message):
    client = admin_client(places.county)
    before = Staff.objects.count(), ChangeLog.objects.count()
    text = text_of(client.post("/accounts/staff/new/", staff_form(places.village_a1, **overrides)))
    assert message in text
    assert (Staff.objects.count(), ChangeLog.objects.count()) == before


def test_create_staff_outside_the_jurisdiction_is_refused(places, admin_client):
    client = admin_client(places.township_a)
    before = Staff.objects.count()
    text = text_of(client.post("/accounts/staff/new/", staff_form(places.village_b1)))
    assert "所选辖区不在可选范围内" in text
    assert Staff.objects.count() == before


def test_duplicate_username_error_from_the_service(places, admin_client, make_staff):
    make_staff(Role.VILLAGE_BROKER, places.village_a1, username="newbroker")
    client = admin_client(places.county)
    before = Staff.objects.count()
    assert "该登录名已被使用" in text_of(client.post("/accounts/staff/new/", staff_form(places.village_a1)))
    assert Staff.objects.count() == before


def test_disable_and_enable_staff(places, admin_client, make_staff):
    member = make_staff(Role.VILLAGE_BROKER, places.village_a1)
    client = admin_client(places.county)
    assert client.get(f"/accounts/staff/{member.pk}/active/").status_code == 405
    response = client.post(f"/accounts/staff/{member.pk}/active/", {"active": "0"})
    assert response["Location"] == f"/accounts/staff/{member.pk}/"
    member.refresh_from_db()
    assert not member.is_active
    assert "停用" in text_of(client.get(f"/accounts/staff/{member.pk}/"))
    client.post(f"/accounts/staff/{member.pk}/active/", {"active": "1"})
    member.refresh_from_db()
    assert member.is_active


def test_administrator_cannot_disable_self_or_a_sibling(places, admin_client, make_staff):
    client = admin_client(places.township_a)
    sibling = make_staff(Role.VILLAGE_BROKER, places.village_b1)
    assert client.post(f"/accounts/staff/{sibling.pk}/active/", {"active": "0"}).status_code == 404
    me = client.staff
    response = client.post(f"/accounts/staff/{me.pk}/active/", {"active": "0"}, follow=True)
    assert "不能停用自己的账号" in text_of(response)
    me.refresh_from_db()
    sibling.refresh_from_db()
    assert me.is_active and sibling.is_active


@pytest.mark.parametrize("url", ["/accounts/staff/", "/accounts/staff/new/"])
@pytest.mark.parametrize("role", [Role.COUNTY_OFFICER, Role.AUDITOR, Role.MANAGER])
def test_staff_pages_are_403_for_other_roles(places, login_as, url, role):
    response = login_as(role, places.county).get(url)
    assert response.status_code == 403
    assert "没有权限" in text_of(response)


def test_verified_admin_helper_really_is_verified(places, login_as):
    client = login_as(Role.ADMINISTRATOR)
    assert client.get("/accounts/staff/").status_code == 302
    verify_second_factor(client, client.staff)
    assert client.get("/accounts/staff/").status_code == 200
