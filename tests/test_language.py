"""Vietnamese first: an English browser still gets Vietnamese; English only when chosen."""

from django.conf import settings


def test_an_english_browser_gets_the_vietnamese_login_page(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()
    assert 'lang="vi"' in response.content.decode()


def test_a_user_who_chose_english_gets_english(client, secretary_a):
    client.force_login(secretary_a)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/dossiers/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/dossiers/").content.decode()
    assert "Admission dossiers" in page
    assert "Log out" in page


def test_the_shell_of_viewflow_speaks_vietnamese(client, secretary_a):
    client.force_login(secretary_a)
    page = client.get("/dossiers/").content.decode()
    assert "Đăng xuất" in page and "Log out" not in page
