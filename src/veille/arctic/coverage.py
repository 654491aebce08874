"""Coverage: per zone and day, allied presence beside observed foreign-flag activity.

*Allied presence* in a zone on a day: activities the reader may see whose area meets the zone and
whose window covers the day (an open end counts up to the day itself). *Foreign-flag activity*:
distinct vessels whose flag state is not an ally with at least one AIS position inside the zone
that day, and events located in the zone. A *gap in coverage* is a zone-day with foreign activity
and no allied presence.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _

from veille.arctic import layers
from veille.arctic.geo import geometry_of
from veille.arctic.models import Activity
from veille.arctic.queries import activities, allies
from veille.core.errors import InvalidInput
from veille.maritime.event_files import event_records


@dataclass
class ZoneDay:
    zone: str
    day: dt.date
    allied: list[str] = field(default_factory=list)
    foreign_vessels: int = 0
    russian: int = 0
    chinese: int = 0
    events: int = 0
    synthetic: bool = False

    @property
    def foreign(self) -> bool:
        return self.foreign_vessels > 0 or self.events > 0

    @property
    def uncovered(self) -> bool:
        return self.foreign and not self.allied

    def as_row(self) -> dict[str, Any]:
        return {
            "zone": self.zone,
            "day": self.day.isoformat(),
            "allied_activities": len(self.allied),
            "allied_names": " | ".join(self.allied),
            "foreign_vessels": self.foreign_vessels,
            "russian_vessels": self.russian,
            "chinese_vessels": self.chinese,
            "foreign_events": self.events,
            "uncovered": self.uncovered,
            "synthetic": self.synthetic,
        }


COLUMNS = list(ZoneDay("", dt.date(2000, 1, 1)).as_row())


def _days(since: dt.date, until: dt.date) -> list[dt.date]:
    return [since + dt.timedelta(days=i) for i in range((until - since).days + 1)]


#: the longest range one request covers, in days (both ends included); a longer one is refused
MAX_DAYS = 366


@dataclass
class Provenance:
    """What a coverage answer was computed from: the range used (defaults filled in), the zones,
    and the detector runs whose events were counted."""

    since: dt.date
    until: dt.date
    zones: list[str] = field(default_factory=list)
    runs: set[str] = field(default_factory=set)


def window(since: dt.date | None, until: dt.date | None) -> tuple[dt.date, dt.date]:
    """The range of days a coverage request covers: ``until`` defaults to the AIS store's last day
    (or today), ``since`` to 13 days before ``until``. ``since`` later than ``until``, or a range
    of more than :data:`MAX_DAYS` days, is refused (never cut short without saying)."""
    defaulted = ""
    if until is None:
        _, last = layers.store_extent()
        until = last.date() if last else dt.date.today()
        defaulted = ", by default the AIS store's last day" if last else ", by default today"
    since = since or until - dt.timedelta(days=13)
    if since > until:
        raise InvalidInput(
            f"since ({since}) is later than until ({until}{defaulted}): give since ≤ until",
            field="since",
        )
    days = (until - since).days + 1
    if days > MAX_DAYS:
        raise InvalidInput(
            f"since {since} to until {until} is {days} days: coverage covers at most {MAX_DAYS} days "
            "per request",
            field="since",
        )
    return since, until


def coverage(user: Any, since: dt.date | None = None, until: dt.date | None = None) -> list[ZoneDay]:
    """Zone-days in ``[since, until]`` (default: the last 14 days of the AIS store, or of today)."""
    return coverage_report(user, since, until)[0]


def coverage_report(
    user: Any, since: dt.date | None = None, until: dt.date | None = None
) -> tuple[list[ZoneDay], Provenance]:
    """:func:`coverage` and what it was computed from."""
    since, until = window(since, until)
    zones = layers.zone_shapes()
    used = Provenance(since, until, sorted(zones))
    if not zones:
        return [], used
    ally = allies()
    cells = {(z, d): ZoneDay(z, d) for z in zones for d in _days(since, until)}

    # allied presence
    acts = [a for a in activities(user, since=since, until=until) if a.area]
    for a in acts:
        geom = geometry_of(a.area, a.radius_km)
        hit = [z for z, zg in zones.items() if geom is not None and geom.intersects(zg)]
        for d in _days(since, until):
            if a.active_on(d):
                for z in hit:
                    cells[(z, d)].allied.append(_label(a))

    # foreign-flag vessels from positions
    box = shapely.union_all(list(zones.values())).bounds
    con = layers.ais_store().connect()
    start = dt.datetime.combine(since, dt.time(), dt.UTC)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
    rows = con.execute(
        "SELECT CAST(timezone('UTC', timestamp) AS DATE) AS d, mmsi, lon, lat, "
        "source = 'synthetic' AS synthetic "
        "FROM positions WHERE timestamp >= ? AND timestamp < ? "
        "AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?",
        [start, end, box[0], box[2], box[1], box[3]],
    ).fetchnumpy()
    if len(rows["mmsi"]):
        groups = {m: layers.flag_group(int(m), ally) for m in np.unique(rows["mmsi"])}
        foreign = np.array([groups[m][1] != "ALLY" for m in rows["mmsi"]])
        for z, zg in zones.items():
            inside = shapely.contains_xy(zg, rows["lon"], rows["lat"]) & foreign
            seen: dict[Any, set[int]] = defaultdict(set)
            synthetic_days = set()
            for d, m, syn in zip(
                rows["d"][inside], rows["mmsi"][inside], rows["synthetic"][inside], strict=True
            ):
                day = d.astype("datetime64[D]").item() if hasattr(d, "astype") else d
                seen[day].add(int(m))
                if syn:
                    synthetic_days.add(day)
            for day, mmsis in seen.items():
                cell = cells.get((z, day))
                if cell is None:
                    continue
                cell.foreign_vessels = len(mmsis)
                cell.russian = sum(1 for m in mmsis if groups[m][1] == "RUS")
                cell.chinese = sum(1 for m in mmsis if groups[m][1] == "CHN")
                cell.synthetic = cell.synthetic or day in synthetic_days

    # events located in a zone, by foreign-flag vessels
    for e in event_records(layers.ais_store().root, since=start, until=end):
        if e.get("lat") is None or e.get("mmsi") is None or e.get("start") is None:
            continue
        if layers.flag_group(int(e["mmsi"]), ally)[1] == "ALLY":
            continue
        day = e["start"].date()
        for z, zg in zones.items():
            if (z, day) in cells and shapely.contains_xy(zg, e["lon"], e["lat"]):
                cells[(z, day)].events += 1
                cells[(z, day)].synthetic = cells[(z, day)].synthetic or e["synthetic"]
                run = run_of(e)
                if run:
                    used.runs.add(run)
    return sorted(cells.values(), key=lambda c: (c.zone, c.day)), used


def run_of(event: dict[str, Any]) -> str | None:
    """The id of the detector run that wrote an event (``run_id`` in the files of ``veille ais
    events`` and ``veille ais watch --save``; their folder ``run=…`` otherwise), if it says."""
    detail = event.get("detail") or {}
    run = detail.get("run_id") or detail.get("run")
    return str(run) if run else None


def _label(a: Activity) -> str:
    return f"{a.name} ({a.owner_nation_id or 'NATO'})"


def chart_spec(cells: list[ZoneDay], title: str, zone_names: dict[str, str] | None = None) -> dict[str, Any]:
    """Vega-Lite: per zone, foreign vessels per day as bars, red where no allied activity was present,
    paler where the data are synthetic, and allied activities as blue ticks. Every word shown is
    translated here (the spec is drawn as given); the zones are named by ``zone_names`` (id: name in
    the reader's language), their ids otherwise."""
    names = zone_names or {}
    present, absent = _("allied presence"), _("no allied presence")
    observed, synthetic = _("observed"), _("synthetic")
    foreign = _("foreign vessels")
    values = [
        c.as_row()
        | {
            "presence": absent if c.uncovered else present,
            "data": synthetic if c.synthetic else observed,
            "zone_name": names.get(c.zone, c.zone),
        }
        for c in cells
    ]
    day = {"field": "day", "type": "temporal", "timeUnit": "yearmonthdate", "title": _("Day")}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": {"text": title, "subtitle": _("Blue ticks: allied activities that day.")},
        "data": {"values": values},
        "facet": {"row": {"field": "zone_name", "type": "nominal", "title": None}},
        "spec": {
            "width": 900,
            "height": 80,
            "layer": [
                {
                    "mark": "bar",
                    "encoding": {
                        "x": day,
                        "y": {
                            "field": "foreign_vessels",
                            "type": "quantitative",
                            "title": _("foreign vessels"),
                        },
                        "color": {
                            "field": "presence",
                            "type": "nominal",
                            "scale": {"domain": [present, absent], "range": ["#8a96a3", "#b3261e"]},
                            "legend": {"title": _("Allied presence")},
                        },
                        "opacity": {
                            "field": "data",
                            "type": "nominal",
                            "scale": {"domain": [observed, synthetic], "range": [1.0, 0.45]},
                            "legend": {"title": _("Data")},
                        },
                        "tooltip": [
                            {"field": "day", "title": _("Day")},
                            {"field": "foreign_vessels", "title": foreign},
                            {"field": "russian_vessels", "title": _("Russian-flag vessels")},
                            {"field": "chinese_vessels", "title": _("Chinese-flag vessels")},
                            {"field": "foreign_events", "title": _("events of foreign vessels")},
                            {"field": "allied_names", "title": _("allied activities")},
                            {"field": "data", "title": _("Data")},
                        ],
                    },
                },
                {
                    "mark": {"type": "tick", "color": "#1f6fb2", "thickness": 3},
                    "encoding": {
                        "x": day,
                        "y": {"field": "allied_activities", "type": "quantitative"},
                    },
                },
            ],
        },
    }
