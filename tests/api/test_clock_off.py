"""Without KAOPING_CONTROLLED_CLOCK the clock is the system's, and /clock does not exist."""


def test_clock_is_404_without_the_flag(admin):
    assert admin.get("/api/v1/clock").status_code == 404
    assert admin.post("/api/v1/clock", json={"advance": "P1D"}).status_code == 404
