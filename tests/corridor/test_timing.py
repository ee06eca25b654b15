"""The two layers of time: seasons, dated states, quantile order, flags, and the fit."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from cajad.corridor import OptionError, UnknownScenarioError, find_routes, load_network
from cajad.corridor._fit import SCHEDULE_GRID, TimingFit, fit_timing, with_values
from cajad.corridor._fit_realised import SIGMA, WINTER, bound_of
from cajad.corridor._judge import evaluable, evaluate
from cajad.corridor.published import load_published_times, movement_day
from cajad.corridor.timing import (
    FLAG_ORDER,
    TimingModel,
    conditions_on,
    load_timing,
    network_on,
    route_times,
    season_of,
)


@pytest.mark.parametrize(
    ("day", "season"),
    [
        (date(2024, 11, 30), "autumn"),
        (date(2024, 12, 1), "winter"),
        (date(2025, 2, 28), "winter"),
        (date(2025, 3, 1), "spring"),
        (date(2025, 5, 31), "spring"),
        (date(2025, 6, 1), "summer"),
        (date(2025, 8, 31), "summer"),
        (date(2025, 9, 1), "autumn"),
    ],
)
def test_meteorological_season_boundaries(day: date, season: str) -> None:
    assert season_of(day) == season


@pytest.mark.parametrize(
    ("day", "state"),
    [
        ("2024-05-31", "normal"),
        ("2024-06-01", "caspian-congestion-2024"),
        ("2024-10-31", "caspian-congestion-2024"),
        ("2024-11-01", "caspian-winter-2024-25"),
        ("2025-03-31", "caspian-winter-2024-25"),
        ("2025-04-01", "normal"),
    ],
)
def test_a_date_chooses_the_state_whose_period_holds_it(day: str, state: str) -> None:
    assert conditions_on(as_of=day).state == state


def test_a_named_state_wins_and_takes_the_middle_of_its_period_for_season() -> None:
    c = conditions_on(state="caspian-winter-2024-25")
    assert (c.state, c.season, c.as_of) == ("caspian-winter-2024-25", "winter", None)
    assert conditions_on(as_of="2024-07-01", state="normal").state == "normal"


def test_bad_dates_and_unknown_states_are_refused() -> None:
    with pytest.raises(OptionError, match="as_of must be an ISO date"):
        conditions_on(as_of="2025-13-01")
    with pytest.raises(UnknownScenarioError):
        conditions_on(state="no-such-state")
    with pytest.raises(UnknownScenarioError):
        network_on(load_network(), scenario="no-such-state")


def test_every_parameter_is_flagged_and_fitted_ones_name_calibration_rows() -> None:
    parts = {t.id: t.part for t in load_published_times()}
    for name, figure in load_timing().parameters().items():
        assert figure.flag in FLAG_ORDER, name
        if figure.flag == "fitted":
            assert figure.rows, f"{name} is fitted but names no rows"
        for row in figure.rows:
            assert parts[row] == "calibration", f"{name} uses held-out row {row}"


@pytest.fixture(scope="module")
def fitted() -> TimingFit:
    """The fit on the bundled rows, made once for the tests that read it (each fit takes
    seconds)."""
    return fit_timing(load_network(), load_published_times(), load_timing())


def test_the_bundled_fitted_values_are_what_the_fit_gives(fitted: TimingFit) -> None:
    params = load_timing().parameters()
    for name, value in fitted.values.items():  # block trains' borders: derived from the schedule
        assert params[name].flag in ("fitted", "derived"), name
        assert params[name].value == pytest.approx(value, rel=1e-3), name
        expected = fitted.log_se.get(name)
        assert params[name].log_se == (expected and pytest.approx(expected, rel=1e-2)), name
        if name in fitted.rows:
            assert list(params[name].rows) == fitted.rows[name], name


def test_the_fit_never_reads_held_out_rows(fitted: TimingFit) -> None:
    blinded = [r for r in load_published_times() if r.part == "calibration"]
    assert fit_timing(load_network(), blinded, load_timing()) == fitted


def test_the_realised_fit_is_a_maximum_inside_its_bounds_with_finite_errors(
    fitted: TimingFit,
) -> None:
    """Every fitted spread and median is inside its bounds and has a standard error; only a
    factor bounded below by 1 (the winter's, a class's) may sit on its bound. A class fitted
    on six movements is known poorly: its log_se may exceed 1, never 1.5."""
    fit = fitted
    factors = ("realised.winter_caspian_factor", "caspian_factor", "rest_factor")
    realised = ("states.", "realised.caspian", WINTER, "services.block-train.ship", "services.con")
    for name, value in fit.values.items():
        if not name.startswith(realised) or (name.endswith("median_h") and "services" in name):
            continue
        low, high = (math.exp(b) for b in bound_of(name))
        assert low <= value <= high, name
        if not name.endswith(factors):
            assert low < value < high and fit.log_se[name], name
            assert 0 < fit.log_se[name] < 1.5, name  # type: ignore[operator]
        else:
            assert value >= 1, name
    assert {"services.consignment.caspian_factor", "services.block-train.shipment_sigma"} <= set(
        fit.values
    )


def test_the_caspian_spread_is_pooled_over_more_waits_than_any_state_has(
    fitted: TimingFit,
) -> None:
    fit = fitted
    pooled = fit.rows[SIGMA]
    states = [ids for name, ids in fit.rows.items() if name.startswith("states.")]
    assert len(states) == len(load_timing().states)
    assert all(len(pooled) > len(ids) for ids in states)
    assert len(pooled) >= 10


def test_a_parameter_known_less_well_gives_a_wider_spread() -> None:
    """The uncertainty of a fitted figure is drawn in the Monte Carlo: without it the same
    route's P10-P90 is narrower."""
    network, model = load_network(), load_timing()
    route = find_routes(network, "Altynkol", "Baku", avoid=["RU"])[0]
    c = conditions_on(as_of="2025-07-01")
    known = with_values(model, {}, dict.fromkeys(model.parameters(), None))
    wide, narrow = (route_times(network, route, c, model=m) for m in (model, known))
    assert wide.p90_h - wide.p10_h > narrow.p90_h - narrow.p10_h
    assert wide.scheduled_h == narrow.scheduled_h


def test_one_shipment_factor_makes_a_long_route_spread_as_much_as_a_short_one() -> None:
    """Independent draws per part cancel out over many parts; the shared shipment factor
    keeps the relative spread of a long route (Xi'an-Duisburg, no sea) near that of a short
    one, as measured shipments show."""
    network = load_network()
    c = conditions_on(as_of="2025-07-01")
    ratios = []
    for origin, destination in (("Almaty", "Shu"), ("Xi'an", "Duisburg")):
        t = route_times(network, find_routes(network, origin, destination)[0], c)
        ratios.append(t.p90_h / t.p10_h)
    assert ratios[1] > 0.8 * ratios[0] > 1.5


def test_log_se_belongs_to_fitted_figures_only() -> None:
    data = load_timing().model_dump()
    data["scheduled"]["rail_speed_km_h"]["log_se"] = 0.1  # a sourced figure
    with pytest.raises(ValidationError, match="log_se is the uncertainty of a fit"):
        TimingModel.model_validate(data)


ROUTES = [("Altynkol", "Baku", ("RU",)), ("Xi'an", "Duisburg", ()), ("Tokyo", "Almaty", ())]


@given(
    pair=st.sampled_from(ROUTES),
    day=st.dates(date(2015, 1, 1), date(2026, 12, 31)),
    seed=st.integers(0, 2**16),
)
def test_quantiles_are_ordered_and_positive(
    pair: tuple[str, str, tuple[str, ...]], day: date, seed: int
) -> None:
    network = load_network()
    route = find_routes(network, pair[0], pair[1], avoid=pair[2])[0]
    t = route_times(network, route, conditions_on(as_of=day), samples=500, random_state=seed)
    assert 0 < t.p10_h <= t.p50_h <= t.p90_h
    assert t.scheduled_h > 0
    for figure in ("scheduled_h", "p10_h", "p50_h", "p90_h"):
        assert t.provenance[figure]["flag"] in FLAG_ORDER and t.provenance[figure]["parameters"]


def test_the_bad_winter_is_slower_than_an_ordinary_summer_on_the_caspian() -> None:
    network = load_network()
    route = find_routes(network, "Altynkol", "Baku", avoid=["RU"])[0]
    summer = route_times(network, route, conditions_on(as_of="2025-07-01"))
    winter = route_times(network, route, conditions_on(as_of="2025-01-15"))
    assert winter.p50_h > 2 * summer.p50_h
    assert winter.scheduled_h == summer.scheduled_h  # timetables do not know the weather


def test_a_route_over_no_sea_has_no_caspian_part() -> None:
    network = load_network()
    route = find_routes(network, "Xi'an", "Duisburg")[0]
    parts = route_times(network, route, conditions_on(as_of="2025-01-15")).parts
    assert not [p for p in parts if p.name.startswith("caspian ")]


def test_movement_days_and_the_benchmark_rows() -> None:
    rows = {t.id: t for t in load_published_times()}
    assert movement_day(rows["mc-trend-xian-baku-jan2024"]) == date(2024, 1, 15)
    assert movement_day(rows["jp-tv-yokohama-milan-171d"]) == date(2025, 1, 15)
    assert movement_day(rows["mc-argus-almaty-poti"]) is None  # "late 2024 or 2025"
    judged, _ = evaluate(load_network(), evaluable(rows.values(), "measured", "heldout"))
    assert {j.row.id for j in judged} >= {"mc-xinhua-chongqing-istanbul-2025"}
    assert all(j.row.round == "2" for j in judged)  # the fresh held-out part only


def test_the_default_class_is_a_block_train_and_is_stated() -> None:
    c = conditions_on(as_of="2025-07-01")
    assert c.service == load_timing().default_service == "block-train"
    assert c.as_dict()["service"] == "block-train"
    assert conditions_on(service="wagonload").service == "wagonload"
    classes = "block-train, consignment, wagonload"
    with pytest.raises(OptionError, match=f"service must be one of {classes}"):
        conditions_on(service="express")


def test_a_block_train_waits_less_at_the_china_kazakhstan_border_than_wagonload() -> None:
    services = load_timing().services
    block, wagon = services["block-train"], services["wagonload"]
    assert block.border_cn_kz.median_h.value < wagon.border_cn_kz.median_h.value
    network = load_network()
    route = find_routes(network, "Xi'an", "Baku", avoid=["RU"])[0]
    times = {
        s: route_times(network, route, conditions_on(as_of="2025-07-01", service=s))
        for s in ("block-train", "wagonload")
    }
    assert times["block-train"].p50_h < times["wagonload"].p50_h
    assert times["block-train"].scheduled_h == times["wagonload"].scheduled_h
    names = times["wagonload"].provenance["p50_h"]["parameters"]
    assert "services.wagonload.border_cn_kz.median_h" in names
    assert not [n for n in times["block-train"].provenance["scheduled_h"]["parameters"]
                if n.startswith("services.")]  # fmt: skip


def test_a_crossing_that_starts_at_a_caspian_port_is_the_sailing_alone() -> None:
    network = load_network()
    route = find_routes(network, "KZ_KURYK", "AZ_ALAT")[0]
    times = route_times(network, route, conditions_on(as_of="2025-07-01"))
    assert [p.name for p in times.parts] == ["run ferry:KZ_KURYK-AZ_ALAT"]
    inland = find_routes(network, "Altynkol", "Baku", avoid=["RU"])[0]
    parts = route_times(network, inland, conditions_on(as_of="2025-07-01")).parts
    assert [p.name for p in parts if p.name.startswith("caspian ")] == ["caspian port KZ_KURYK"]


def test_routing_by_scheduled_time_orders_routes_by_their_scheduled_time() -> None:
    network = load_network()
    c = conditions_on()
    for origin, destination in (("Vladivostok", "Tashkent"), ("Yokohama", "Milan")):
        routes = find_routes(network, origin, destination, by="scheduled", k=3)
        hours = [route_times(network, r, c, samples=10).scheduled_h for r in routes]
        assert hours == sorted(hours)


def test_no_fitted_scheduled_value_sits_on_a_bound_of_its_grid() -> None:
    params = load_timing().parameters()
    for name, grid in SCHEDULE_GRID.items():
        figure = params[f"scheduled.{name}"]
        assert figure.flag == "fitted"
        assert min(grid) < figure.value < max(grid), name
    assert params["scheduled.port_transfer_h"].flag == "assumed"


def test_an_estimated_distance_makes_the_scheduled_time_assumed() -> None:
    network = load_network()
    route = find_routes(network, "Xi'an", "Baku", avoid=["RU"])[0]  # Chinese legs: estimated
    times = route_times(network, route, conditions_on(), samples=10)
    names = times.provenance["scheduled_h"]["parameters"]
    assert "assumed:rail:CN_XIAN-CN_ALASHANKOU.distance_km" in names
    assert times.provenance["scheduled_h"]["flag"] == "assumed"


def test_every_measured_figure_and_caspian_wait_names_a_known_class() -> None:
    model = load_timing()
    for row in load_published_times():
        at_caspian = row.kind == "dwell" and row.origin_node in model.caspian_ports
        if row.kind == "measured" or at_caspian:
            assert row.service in model.services, row.id


def test_the_round_two_split_holds_out_only_unseen_shipments() -> None:
    """Round-1 held-out shipments were judged and seen: they are calibration now; the fresh
    held-out shipments are all new (round 2), and some of them can be judged."""
    rows = load_published_times()
    seen = [r for r in rows if r.round == "1-seen"]
    assert seen and all(r.part == "calibration" and r.kind == "measured" for r in seen)
    fresh = [r for r in rows if r.kind == "measured" and r.part == "heldout"]
    assert fresh and all(r.round == "2" for r in fresh)
    judged, _ = evaluate(load_network(), evaluable(rows, "measured", "heldout"))
    assert len(judged) >= 5


def test_a_consignment_waits_longer_than_a_block_train_on_the_same_route() -> None:
    """Same route, same date, same timetable: a consignment's realised time is longer (it
    waits behind the scheduled trains at Aktau and for space elsewhere), and its figures name
    the class's own parameters."""
    network = load_network()
    route = find_routes(network, "Xi'an", "Baku", avoid=["RU"])[0]
    times = {
        s: route_times(network, route, conditions_on(as_of="2025-07-01", service=s))
        for s in ("block-train", "consignment")
    }
    block, consignment = times["block-train"], times["consignment"]
    assert consignment.p50_h > block.p50_h and consignment.p90_h > block.p90_h
    assert consignment.scheduled_h == block.scheduled_h
    names = consignment.provenance["p50_h"]["parameters"]
    for field in ("caspian_factor", "rest_factor", "shipment_sigma"):
        assert f"services.consignment.{field}" in names
    assert "services.block-train.shipment_sigma" in block.provenance["p50_h"]["parameters"]
    assert conditions_on(service="consignment").as_dict()["service"] == "consignment"


def test_a_class_without_its_own_spread_takes_the_default_classs() -> None:
    model = load_timing()
    assert model.class_figure("wagonload", "shipment_sigma") == (
        "services.block-train.shipment_sigma"
    )
    assert model.class_figure("wagonload", "caspian_factor") is None
    data = model.model_dump()
    data["services"]["block-train"]["shipment_sigma"] = None
    with pytest.raises(ValidationError, match="default class of service needs"):
        TimingModel.model_validate(data)
