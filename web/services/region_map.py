"""The press map: region shapes (core/region_shapes.py) drawn as inline SVG, coloured by negative share.

No tile server, no map library: the shapes are projected here into one SVG ``viewBox`` (x/y as given,
north up; longitude/latitude are drawn equirectangular) and the page draws the paths.  Each region
carries its figures so the template can give it a title and label, and the regions view's table
stays the text alternative.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from healthpulse.core.region_shapes import RegionShapes

WIDTH = 600.0
PAD = 4.0
# Negative share (%) → colour class 1..4 (0: no documents in the period); the legend shows these bounds.
SHARE_BOUNDS = (25.0, 50.0, 75.0)
# A tile's name: at most this many characters (a tile is ~50 units wide, the name 10 units high).
TILE_NAME_CHARS = 10


@dataclass(frozen=True)
class MapRegion:
    department: str
    name: str
    short_name: str
    path: str
    label_x: float
    label_y: float
    documents: int
    negative: int
    negative_pct: float
    incidents: int
    level: int


@dataclass(frozen=True)
class RegionMap:
    width: float
    height: float
    regions: list[MapRegion]
    bounds: tuple[float, ...] = SHARE_BOUNDS


def share_level(documents: int, negative_pct: float) -> int:
    """The colour class of a region: 0 without documents, else 1..4 by negative share."""
    if not documents:
        return 0
    return 1 + sum(negative_pct >= b for b in SHARE_BOUNDS)


def _words(name: str) -> list[str]:
    return re.findall(r"[^\s()\[\],;:]+", name)


def short_names(names: dict[str, str], limit: int = TILE_NAME_CHARS) -> dict[str, str]:
    """Each name without the words it shares with other names ("health directorate", "مديرية الصحة في"), so
    the place is what is left ("Cairo", "بالقاهرة"), then cut to ``limit`` characters with "…".

    Written in the reader's language, the place is not always the first word (Arabic puts it last), so a
    plain prefix would read "مديرية…" on every tile."""
    shared = Counter(w for name in names.values() for w in {w.casefold() for w in _words(name)})
    out = {}
    for dep, name in names.items():
        own = [w for w in _words(name) if shared[w.casefold()] < 2] or _words(name) or [name]
        short = " ".join(own)
        out[dep] = short if len(short) <= limit else short[:limit - 1].rstrip() + "…"
    return out


def draw_map(shapes: RegionShapes, rows: list[list[Any]], names: dict[str, str]) -> RegionMap:
    """Project every shape into a ``WIDTH``-wide box and attach the regions view's figures
    (rows: department, name, documents, negative, negative_pct, incidents)."""
    figures = {r[0]: r for r in rows}
    geoms = shapes.by_department()
    points = [p for g in geoms.values() for poly in g.polygons() for ring in poly for p in ring]
    if not points:
        return RegionMap(WIDTH, 0.0, [])
    min_x, max_x = min(p[0] for p in points), max(p[0] for p in points)
    min_y, max_y = min(p[1] for p in points), max(p[1] for p in points)
    scale = (WIDTH - 2 * PAD) / ((max_x - min_x) or 1.0)
    height = (max_y - min_y) * scale + 2 * PAD

    def xy(p: tuple[float, float]) -> tuple[float, float]:
        return PAD + (p[0] - min_x) * scale, PAD + (max_y - p[1]) * scale

    short = short_names({dep: names.get(dep, dep) for dep in geoms})
    regions = []
    for dep, geom in geoms.items():
        parts, xs, ys = [], [], []
        for poly in geom.polygons():
            for ring in poly:
                pts = [xy(p) for p in ring]
                parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + " Z")
            outer = [xy(p) for p in poly[0]]
            xs += [x for x, _ in outer]
            ys += [y for _, y in outer]
        r = figures.get(dep)
        documents, negative, pct, incidents = (int(r[2]), int(r[3]), float(r[4]), int(r[5])) if r else (0, 0, 0.0, 0)
        regions.append(MapRegion(dep, names.get(dep, dep), short[dep], " ".join(parts), round((min(xs) + max(xs)) / 2, 1),
                                 round((min(ys) + max(ys)) / 2, 1), documents, negative, pct, incidents,
                                 share_level(documents, pct)))
    regions.sort(key=lambda m: m.name)
    return RegionMap(WIDTH, round(height, 1), regions)
