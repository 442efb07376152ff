"""Offline HTML assets: Leaflet read from the XStatic packages, geomap's own script and styles.

folium links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs, so its maps are blank
without internet. The XStatic packages on PyPI ship the same files; this module reads them,
embeds the images that the CSS points at as ``data:`` URIs, and returns ``<style>`` /
``<script>`` tags ready to inline. Nothing here touches the network.

>>> tags = inline_tags("leaflet")          # doctest: +SKIP
>>> tags.startswith("<style>")              # doctest: +SKIP
True
"""

from __future__ import annotations

import base64
import functools
import importlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from geomap.errors import DataError, InputError

__all__ = ["ASSETS", "Asset", "inline_tags"]


@dataclass(frozen=True)
class Asset:
    """One front-end library as an XStatic package ships it."""

    module: str  #: importable name, e.g. ``xstatic.pkg.leaflet``
    pip_name: str  #: what to ``pip install`` when it is missing
    css: tuple[str, ...]  #: stylesheets, relative to the package's ``BASE_DIR``
    js: tuple[str, ...]  #: scripts, relative to the package's ``BASE_DIR``


#: The libraries geomap may inline, by the name callers use.
ASSETS: dict[str, Asset] = {
    "leaflet": Asset("xstatic.pkg.leaflet", "XStatic-Leaflet", ("leaflet.css",), ("leaflet.js",)),
    "markercluster": Asset(
        "xstatic.pkg.leaflet_markercluster",
        "XStatic-Leaflet-MarkerCluster",
        ("MarkerCluster.css", "MarkerCluster.Default.css"),
        ("leaflet.markercluster.js",),
    ),
    # written for geomap (not vendored): the map's interactions, drawn from the data blob
    "geomap": Asset("geomap", "geomap", ("data/js/geomap.css",), ("data/js/geomap.js",)),
}

_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_SOURCE_MAP = re.compile(r"^\s*/[/*][#@] sourceMappingURL=.*$", re.MULTILINE)


@functools.cache
def inline_tags(name: str) -> str:
    """Return ``<style>…</style>`` and ``<script>…</script>`` tags for one library.

    Parameters
    ----------
    name : str
        A key of :data:`ASSETS` (``"leaflet"``, ``"markercluster"`` or ``"geomap"``).

    Returns
    -------
    str
        The CSS (images embedded as ``data:`` URIs) then the JS, with no external
        reference. Cached for the life of the process.

    Raises
    ------
    InputError
        ``name`` is not a known library.
    DataError
        The XStatic package is not installed or lacks a file; the message names the
        package to ``pip install``.
    """
    try:
        asset = ASSETS[name]
    except KeyError:
        raise InputError(f"unknown asset {name!r}; choose one of {sorted(ASSETS)}") from None
    base_dir = _base_dir(asset)
    styles = [_embed_css_urls(_read(asset, base_dir / css), base_dir / css) for css in asset.css]
    scripts = [_SOURCE_MAP.sub("", _read(asset, base_dir / js)) for js in asset.js]
    tags = [f"<style>{_close_safe(css, 'style')}</style>" for css in styles]
    tags += [f"<script>{_close_safe(js, 'script')}</script>" for js in scripts]
    return "\n".join(tags)


def _base_dir(asset: Asset) -> Path:
    try:
        module = importlib.import_module(asset.module)
    except ImportError:
        raise DataError(
            f"the offline map needs {asset.pip_name}, which is not installed: "
            f"run `pip install {asset.pip_name}`"
        ) from None
    base = getattr(module, "BASE_DIR", None)  # XStatic packages; geomap's own files sit in the package
    return Path(base) if base else Path(module.__file__).parent


def _read(asset: Asset, path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(
            f"{asset.pip_name} is incomplete ({exc}): reinstall it with "
            f"`pip install --force-reinstall {asset.pip_name}`"
        ) from None


def _embed_css_urls(css: str, css_path: Path) -> str:
    """Replace every relative ``url(file)`` in a stylesheet by a ``data:`` URI."""

    def embed(match: re.Match[str]) -> str:
        target = match.group(2).strip()
        if target.startswith(("data:", "#")):  # already inline, or an IE behaviour hack
            return match.group(0)
        if "://" in target or target.startswith("//"):
            raise DataError(f"{css_path} refers to the external {target!r}; it cannot be inlined")
        file = (css_path.parent / target.split("?")[0].split("#")[0]).resolve()
        mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        try:
            payload = base64.b64encode(file.read_bytes()).decode("ascii")
        except OSError as exc:
            raise DataError(f"{css_path} refers to {target!r}, which cannot be read: {exc}") from None
        return f"url(data:{mime};base64,{payload})"

    return _CSS_URL.sub(embed, css)


def _close_safe(text: str, tag: str) -> str:
    """Make sure ``</tag`` inside inlined code cannot close the element early."""
    return re.sub(rf"</({tag})", r"<\\/\1", text, flags=re.IGNORECASE)
