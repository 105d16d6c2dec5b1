"""What the OpenAPI schema promises, the server does: PATCH subsets, Allow, 204s, exact types."""

from __future__ import annotations


def test_alice_changes_only_her_name_and_keeps_her_time_zone(alice):
    response = alice.api("PATCH", "/me", {"display_name": "Ali"})
    assert response.status_code == 200, response.text
    assert response.json()["display_name"] == "Ali"
    assert response.json()["time_zone"] == "Europe/London"


def test_an_empty_patch_changes_nothing(alice):
    response = alice.api("PATCH", "/me", {})
    assert response.status_code == 200
    assert response.json()["display_name"] == "Alice"


def test_options_lists_every_method_of_the_path(alice):
    response = alice.client.options("/api/v1/session")
    assert response.status_code == 204
    assert response.headers["allow"] == "DELETE, OPTIONS, POST"


def test_signing_out_is_a_204_without_a_body_and_clears_the_session(alice):
    response = alice.api("DELETE", "/session")
    assert response.status_code == 204
    assert response.content == b""
    assert 'bw_session=""' in response.headers["set-cookie"]
    assert alice.api("GET", "/me").status_code == 401


def test_a_number_is_not_a_yes_or_no(alice, bridge):
    response = alice.api("PUT", f"/bridges/{bridge}/sharing", {"share": 0})
    assert response.status_code == 400
    assert response.json()["errors"] == {"share": "Expected `bool | null`, got `int`"}


def test_a_missing_required_field_is_named(alice):
    response = alice.api("POST", "/teams", {})
    assert response.status_code == 400
    assert response.json()["errors"] == {"name": "This field is required."}


def test_someone_signed_out_hears_401_whatever_body_they_send(browser):
    stranger = browser()
    response = stranger.api("POST", "/teams", content=b"[[[", headers={"content-type": "text/xml"})
    assert response.status_code == 401


def test_every_error_status_is_documented_with_the_error_body(app, alice):
    schema = alice.client.get("/api/v1/schema/openapi.json").json()
    check_in = schema["paths"]["/api/v1/bridges/{bridge_id}/checkins"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409", "413", "415"} <= set(check_in)
    assert check_in["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
    sign_in = schema["paths"]["/api/v1/session"]["post"]["responses"]
    assert "429" in sign_in
