"""Every page renders for the people who may see it."""


def test_public_pages(client):
    for url in ("/", "/journey", "/sign-in"):
        assert client.get(url).status_code == 200


def test_staff_pages_render(client, world, team):
    world.sign_in(client, "alice@example.org")
    cid = team["mine"].id
    for url in ("/commissions", f"/commissions/{cid}", f"/commissions/{cid}/steps/initiate",
                f"/commissions/{cid}/steps/evaluate", f"/commissions/{cid}/evidence",
                f"/commissions/{cid}/team", f"/commissions/{cid}/edit", "/commissions/new"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.data[:500])
