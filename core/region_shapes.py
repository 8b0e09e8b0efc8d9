"""Region shapes for the press office's map: a GeoJSON FeatureCollection, one feature per department.

A deployment names its file in the ``regions_geojson_file`` setting; without one, the bundled departments
come with ``data/regions.geojson`` (a schematic tile map of the demo's departments, one square each,
grouped by country).  GeoJSON is JSON, so the YAML reader loads it and a mistake is reported with the
file, line and key like every other config file.  Each feature's ``properties.department`` is a
department id; its geometry a Polygon or MultiPolygon in longitude/latitude (or any planar x/y).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from healthpulse.core.config_files import ConfigError, load_yaml_model
from healthpulse.core.resources import PACKAGE_ROOT
from pydantic import BaseModel, ConfigDict, model_validator

Ring = list[tuple[float, float]]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ShapeProperties(_Open):
    department: str


class ShapeGeometry(BaseModel):
    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[Any]

    @model_validator(mode="after")
    def _rings(self) -> ShapeGeometry:
        if _depth(self.coordinates) != (4 if self.type == "MultiPolygon" else 3):
            raise ValueError(f"coordinates of a {self.type} must be {'polygons of ' if self.type == 'MultiPolygon' else ''}"
                             "rings of [x, y] points")
        for polygon in (self.coordinates if self.type == "MultiPolygon" else [self.coordinates]):
            for ring in polygon:
                if len(ring) < 3 or any(len(pt) < 2 or not all(isinstance(c, int | float) for c in pt[:2]) for pt in ring):
                    raise ValueError("each ring needs at least three [x, y] points")
        return self

    def polygons(self) -> list[list[Ring]]:
        """Every polygon as its rings of (x, y) points (a Polygon is one)."""
        polys = self.coordinates if self.type == "MultiPolygon" else [self.coordinates]
        return [[[(float(p[0]), float(p[1])) for p in ring] for ring in poly] for poly in polys]


class ShapeFeature(_Open):
    type: Literal["Feature"]
    properties: ShapeProperties
    geometry: ShapeGeometry


class RegionShapes(_Open):
    type: Literal["FeatureCollection"]
    features: list[ShapeFeature]

    def by_department(self) -> dict[str, ShapeGeometry]:
        return {f.properties.department: f.geometry for f in self.features}


def _depth(value: Any) -> int:
    d = 0
    while isinstance(value, list) and value:
        d, value = d + 1, value[0]
    return d


def bundled_regions_path() -> Path:
    return PACKAGE_ROOT / "data" / "regions.geojson"


def load_region_shapes(path: str | Path, departments: set[str]) -> RegionShapes:
    """The shapes file, checked against the departments (an unknown id names its feature)."""
    shapes = load_yaml_model(path, RegionShapes)
    unknown = [f"{path}: features[{i}].properties.department: unknown department {f.properties.department!r}"
               for i, f in enumerate(shapes.features) if f.properties.department not in departments]
    if unknown:
        raise ConfigError(path, unknown)
    return shapes
