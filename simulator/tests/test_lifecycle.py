"""The simulated month: deterministic, realistic in shape, and its expected figures add up."""

from __future__ import annotations

from pasc_contracts.dvcqg import HoSoMC
from pasc_simulator.catalog import SimProcedure
from pasc_simulator.lifecycle import simulate_month

PROCEDURES = [
    SimProcedure(f"1.00{i:04d}", f"Thủ tục {i}", "LV", "Lĩnh vực", agency, level, days)
    for i, (agency, level, days) in enumerate(
        [
            ("SXD", "toan_trinh", 15),
            ("SXD", "mot_phan", 10),
            ("STP", "truc_tiep", 5),
            ("SYT", "toan_trinh", 7),
        ]
    )
]


def month(seed: int = 7, dossiers: int = 400) -> object:
    return simulate_month(PROCEDURES, dossiers=dossiers, year=2023, month=5, seed=seed)


def test_same_seed_same_month() -> None:
    a, b = month(), month()
    assert [s.record for s in a.syncs] == [s.record for s in b.syncs]  # type: ignore[attr-defined]
    assert [s.record for s in a.syncs] != [s.record for s in month(seed=8).syncs]  # type: ignore[attr-defined]


def test_every_good_sync_is_a_valid_dvcqg_record_in_time_order() -> None:
    m = month()
    times = [s.at for s in m.syncs]  # type: ignore[attr-defined]
    assert times == sorted(times)
    for sync in m.syncs:  # type: ignore[attr-defined]
        if sync.expect_accepted:
            HoSoMC.model_validate(sync.record)


def test_figures_add_up_and_look_like_a_real_month() -> None:
    m = month(dossiers=2000)
    city = m.expected_figures()["city"]  # type: ignore[attr-defined]
    assert city["received"] + sum(m.bad.values()) == 2000  # type: ignore[attr-defined]
    assert city["processed"] == city["on_time"] + city["late"]
    closed = (
        city["processed"]
        + city["in_process"]
        + city["refused"]
        + city["withdrawn"]
        + city["stopped"]
    )
    assert closed == city["received"]
    assert 0.75 < city["on_time"] / city["processed"] < 0.99
    assert 0.3 < city["online"] / city["received"] < 0.7
    assert 0.8 < city["digitized"] / city["received"] <= 1.0
    assert 20 < sum(m.bad.values()) < 70  # type: ignore[attr-defined]


def test_syncs_only_move_forward_per_dossier() -> None:
    m = month()
    last: dict[str, int] = {}
    order = {1: 0, 2: 1, 4: 2, 5: 2, 6: 2, 9: 3, 10: 4, 3: 4, 7: 4, 8: 4}
    for sync in m.syncs:  # type: ignore[attr-defined]
        ma, status = sync.record["MaHoSo"], sync.record["TrangThaiHoSo"]
        assert order[status] >= order.get(last.get(ma, 1), 0), (ma, last.get(ma), status)
        last[ma] = status


def test_the_demo_link_opens_the_dashboard_on_the_demo_month() -> None:
    from pasc_simulator.demo import Urls, dashboard_url

    assert dashboard_url(Urls(), "2023-05").endswith("/dashboard?date=2023-05-31")
    assert dashboard_url(Urls(), "2024-02").endswith("/dashboard?date=2024-02-29")
