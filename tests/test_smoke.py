from tests.factories import create_staff_user, login


def test_home_page_links_to_privacy_and_accessibility(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/privacy"' in page
    assert 'href="/accessibility"' in page


def test_staff_sign_in_reaches_dashboard(client):
    user = create_staff_user("engagement")
    login(client, user)
    page = client.get("/staff/")
    assert page.status_code == 200
    assert "Members by status" in page.get_data(as_text=True)
