/*! geomap.js: the interactions of geomap's offline map. Written for geomap (MIT), no dependency
 * but Leaflet 1.9. It draws the data blob that geomap/render_data.py writes into the page:
 * layers (columnar), base map, style. Every string from the blob is escaped (esc) before it
 * becomes HTML; nothing here requests the network except the optional tile layers.
 */
(function () {
  'use strict';

  var geomap = (window.geomap = window.geomap || {});

  // ------------------------------------------------------------------ text and values

  var ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };
  function esc(value) {
    return String(value === null || value === undefined ? '' : value).replace(/[&<>"'`]/g, function (c) {
      return ESC[c];
    });
  }
  geomap.esc = esc;

  function isBlank(v) {
    return v === null || v === undefined || v === '' || (typeof v === 'number' && isNaN(v));
  }

  function km(value) {
    var n = Number(value);
    return isBlank(value) || isNaN(n) ? '' : n.toFixed(1) + ' km';
  }

  function fold(text) {
    // search key: lower case, no diacritics, one space between words
    text = String(text).toLowerCase();
    if (/[^\x00-\x7f]/.test(text)) text = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    return text.replace(/[^0-9a-z\u0080-\uffff]+/g, ' ').trim();
  }

  function short(value, limit) {
    var text = typeof value === 'string' ? value : JSON.stringify(value);
    return text.length > limit ? text.slice(0, limit) + '…' : text;
  }

  function list(value) {
    if (isBlank(value)) return [];
    if (typeof value === 'string' && /^\s*[\[{]/.test(value)) {
      try { value = JSON.parse(value); } catch (e) { return [value]; }
    }
    return Array.isArray(value) ? value : [value];
  }

  // ------------------------------------------------------------------ layers from the blob

  function Source(raw, index) {
    this.raw = raw;
    this.index = index;
    this.name = raw.name;
    this.role = raw.role;
    this.title = raw.title || raw.name;
    this.n = raw.n;
    this.columns = raw.columns;
    this.getters = {};
    this.points = !!raw.xy;
  }
  Source.prototype.get = function (column, i) {
    var getter = this.getters[column];
    if (!getter) {
      var v = this.raw.data[column];
      if (v === undefined) getter = function () { return null; };
      else if (Array.isArray(v)) getter = function (k) { var x = v[k]; return x === undefined ? null : x; };
      else getter = function (k) { var c = v.c[k]; return c < 0 ? null : v.d[c]; };
      this.getters[column] = getter;
    }
    return getter(i);
  };
  Source.prototype.has = function (column) { return this.columns.indexOf(column) >= 0; };
  Source.prototype.first = function (i, columns) {
    for (var k = 0; k < columns.length; k++) {
      var v = this.get(columns[k], i);
      if (!isBlank(v)) return v;
    }
    return null;
  };
  Source.prototype.latlng = function (i) {
    if (this.points) return L.latLng(this.raw.xy[2 * i + 1], this.raw.xy[2 * i]);
    return L.geoJSON(this.raw.geoms[i]).getBounds().getCenter();
  };
  Source.prototype.bounds = function (i) {
    if (this.points) return L.latLngBounds([this.latlng(i)]);
    return L.geoJSON(this.raw.geoms[i]).getBounds();
  };
  Source.prototype.number = function (column, i) {
    var v = this.get(column, i);
    return isBlank(v) || isNaN(Number(v)) ? null : Number(v);
  };

  var NAME_COLUMNS = ['canonical_name', 'name', 'title', 'label', 'location', 'event_id', 'claim_id', 'id', 'NAME'];

  function heading(src, i) {
    var g = function (c) { return src.get(c, i); };
    switch (src.role) {
      case 'events': {
        var what = g('sub_event_type') || g('event_type') || 'Event';
        var where = g('location');
        var when = g('event_date');
        return what + (where ? ' — ' + where : '') + (when ? ' (' + when + ')' : '');
      }
      case 'claims':
        return (g('subject') || '?') + ' → ' + (g('object') || '?') + ': ' + (claimLabel(src, i) || 'claim');
      case 'distances':
        return (g('from') || '?') + ' → ' + (g('to') || '?') + ': ' + km(g('km'));
      default: {
        var name = src.first(i, NAME_COLUMNS);
        return isBlank(name) ? src.title : String(name);
      }
    }
  }

  function tooltipText(src, i) {
    if (src.role === 'places') return src.first(i, ['name', 'canonical_name']) || 'place';
    return heading(src, i);
  }

  function claimLabel(src, i) {
    var stated = src.number('stated_km', i), computed = src.number('computed_km', i);
    var parts = [];
    if (stated !== null) parts.push('stated ' + km(stated));
    parts.push(computed !== null ? 'computed ' + km(computed) : 'not computable');
    return parts.join(' · ');
  }

  // ------------------------------------------------------------------ styles

  function Styler(style) {
    this.s = style;
    this.eventColours = {};
    var self = this;
    style.event_types.forEach(function (pair) { self.eventColours[pair[0]] = pair[1]; });
    this.verdicts = {};
    style.verdicts.forEach(function (pair) { self.verdicts[pair[0]] = pair[1]; });
    this.extra = 0;
  }
  Styler.prototype.eventColour = function (type) {
    if (isBlank(type)) return this.s.generic;
    if (!(type in this.eventColours)) {
      this.eventColours[type] = this.s.palette[this.extra % this.s.palette.length];
      this.extra += 1;
    }
    return this.eventColours[type];
  };
  Styler.prototype.pointColour = function (src, i) {
    if (src.role === 'places') {
      var p = src.number('precision', i) || 1;
      return this.s.precision[Math.min(Math.max(Math.round(p), 1), 3) - 1];
    }
    if (src.role === 'events') return this.eventColour(src.get('event_type', i));
    return this.s.generic;
  };
  Styler.prototype.shape = function (src, i) {
    var s = this.s;
    switch (src.role) {
      case 'border': return { color: s.border, weight: 3, opacity: 0.95 };
      case 'barrier': return { color: s.barrier, weight: 4, dashArray: s.barrier_dash, opacity: 0.95 };
      case 'distances': return { color: s.distance, weight: 1.5, dashArray: s.distance_dash, opacity: 0.9 };
      case 'claims': {
        var colour = this.verdicts[src.get('verdict', i)] || s.verdicts[2][1];
        return { color: colour, weight: 3, dashArray: '8 5', opacity: 0.95 };
      }
      case 'areas':
        return { color: s.area, weight: 2, dashArray: s.area_dash, fillColor: s.area, fillOpacity: 0.08 };
      case 'bands': {
        var outer = src.number('outer_km', i) || 0;
        var opacity = outer <= 10 ? 0.28 : outer <= 25 ? 0.17 : 0.09;
        return { color: s.band, weight: 0.6, opacity: 0.6, fillColor: s.band, fillOpacity: opacity };
      }
      default: return { color: s.generic, weight: 2, fillColor: s.generic, fillOpacity: 0.2 };
    }
  };

  // ------------------------------------------------------------------ popups

  function row(label, value) {
    return isBlank(value) ? '' : '<tr><th>' + esc(label) + '</th><td>' + esc(value) + '</td></tr>';
  }

  function table(rows) {
    var body = rows.join('');
    return body ? '<table>' + body + '</table>' : '';
  }

  function cite(item) {
    var where = [];
    if (!isBlank(item.article_id)) where.push(item.article_id);
    if (!isBlank(item.start) && !isBlank(item.end)) where.push('chars ' + item.start + '–' + item.end);
    return where.length ? '<cite>' + esc(where.join(' · ')) + '</cite>' : '';
  }

  function quote(text, highlight, item) {
    text = isBlank(text) ? '' : String(text);
    var at = highlight ? text.indexOf(highlight) : -1;
    var body = at < 0 ? esc(text) :
      esc(text.slice(0, at)) + '<mark>' + esc(highlight) + '</mark>' + esc(text.slice(at + highlight.length));
    return '<blockquote>' + body + cite(item || {}) + '</blockquote>';
  }

  var MAX_QUOTES = 20;

  function quotes(items, render) {
    var out = items.slice(0, MAX_QUOTES).map(render).join('');
    if (items.length > MAX_QUOTES) out += '<p>… and ' + (items.length - MAX_QUOTES) + ' more</p>';
    return out;
  }

  var PRECISION = { 1: 'point', 2: 'area', 3: 'region' };
  var TIME_PRECISION = { 1: 'day', 2: 'week', 3: 'month' };

  function precisionText(p) {
    return isBlank(p) ? '' : p + ' (' + (PRECISION[p] || 'unknown') + ')';
  }

  function byArticle(a, b) {
    var x = String(a.article_id || ''), y = String(b.article_id || '');
    return x < y ? -1 : x > y ? 1 : (Number(a.start) || 0) - (Number(b.start) || 0);
  }

  var SHOWN_ABOVE = {
    places: ['mentions'], events: ['figures', 'quotes'], claims: ['quote'], barrier: ['reported'],
  };

  var SUMMARIES = {
    places: function (src, i) {
      var g = function (c) { return src.get(c, i); };
      var mentions = list(g('mentions')).filter(function (m) { return m && typeof m === 'object'; });
      mentions.sort(byArticle);
      var written = [g('name')].concat(list(g('names_written')), mentions.map(function (m) { return m.text; }));
      var names = [];
      written.forEach(function (n) { if (!isBlank(n) && names.indexOf(String(n)) < 0) names.push(String(n)); });
      var border = km(g('border_km'));
      if (border && g('side')) border += ', ' + g('side') + ' side';
      var lat = src.number('nearest_lat', i), lon = src.number('nearest_lon', i);
      if (border && lat !== null && lon !== null) border += ' (nearest point ' + lat.toFixed(4) + ', ' + lon.toFixed(4) + ')';
      var radius = src.number('uncertainty_m', i);
      var score = src.number('score', i);
      var rows = [
        row('Written', names.join(' / ')), row('Country', g('country_code')), row('Feature', g('feature')),
        row('Precision', precisionText(g('precision'))),
        row('Uncertainty', radius ? '±' + km(radius / 1000) : ''), row('To border', border),
        row('Source', [g('source_id'), g('method')].filter(function (v) { return !isBlank(v); }).join(' · ')),
        row('Score', score === null ? '' : score.toFixed(2)),
      ];
      var seen = {};
      var unique = mentions.filter(function (m) {
        var key = [m.sentence || m.text, m.text, m.article_id].join('\u0001');
        if (seen[key]) return false;
        seen[key] = true;
        return true;
      });
      var sentences = quotes(unique, function (m) { return quote(m.sentence || m.text, m.text, m); });
      return table(rows) + (sentences ? '<h4>Mentions</h4>' + sentences : '');
    },

    events: function (src, i) {
      var g = function (c) { return src.get(c, i); };
      var date = g('event_date');
      var tp = g('time_precision');
      if (date && tp) date += ' (precision: ' + (TIME_PRECISION[tp] || tp) + ')';
      var actors = [g('actor1'), g('actor2')].filter(function (a) { return !isBlank(a); });
      if (!actors.length) actors = list(g('actors'));
      var place = [g('location'), g('admin1'), g('country')].filter(function (v) { return !isBlank(v); }).join(', ');
      var radius = src.number('uncertainty_m', i);
      var precision = precisionText(g('geo_precision')) + (radius ? ', ±' + km(radius / 1000) : '');
      var toll = g('fatalities');
      var lo = g('fatalities_min'), hi = g('fatalities_max');
      var tollText = isBlank(toll) ? '' : String(toll) + ' (lowest reported)';
      if (!isBlank(lo) && !isBlank(hi) && lo !== hi) tollText += '; reports range ' + lo + '–' + hi;
      var sources = list(g('sources'));
      var rows = [
        row('Date', date), row('Type', [g('event_type'), g('sub_event_type')].filter(Boolean).join(' / ')),
        row('Actors', actors.join('; ')), row('Location', place), row('Precision', precision.replace(/^, /, '')),
        row('Fatalities', tollText),
        row('Sources', sources.length ? sources.length + ': ' + sources.join(', ') : g('n_sources')),
        row('Event id', g('event_id')),
      ];
      var html = table(rows);
      var figures = list(g('figures')).filter(function (f) { return f && typeof f === 'object'; });
      if (figures.length) {
        figures.sort(byArticle);
        var groups = {}, order = [];
        figures.forEach(function (f) {
          var key = isBlank(f.article_id) ? '(no source)' : String(f.article_id);
          if (!(key in groups)) { groups[key] = []; order.push(key); }
          groups[key].push(f);
        });
        html += '<h4>Figures by source</h4>';
        order.forEach(function (key) {
          html += '<div class="geomap-source"><b>' + esc(key) + '</b>';
          groups[key].forEach(function (f) {
            var q = isBlank(f.qualifier) || f.qualifier === 'exact' ? '' : String(f.qualifier).replace(/_/g, ' ') + ' ';
            var line = (f.group || 'unspecified') + ' ' + (f.kind || '') + ': ' + q + (isBlank(f.value) ? '?' : f.value);
            html += '<div class="geomap-figure">' + esc(line) + '</div>' + (f.quote ? quote(f.quote, '', f) : '');
          });
          html += '</div>';
        });
      }
      var evidence = list(g('quotes')).filter(function (q) { return q && typeof q === 'object'; });
      if (evidence.length) {
        evidence.sort(byArticle);
        html += '<h4>Evidence</h4>' + quotes(evidence, function (q) { return quote(q.quote, '', q); });
      }
      if (!isBlank(g('notes'))) html += '<p class="geomap-notes">' + esc(g('notes')) + '</p>';
      return html;
    },

    claims: function (src, i) {
      var g = function (c) { return src.get(c, i); };
      var verdict = g('verdict');
      var stated = isBlank(g('stated_value')) ? '' : g('stated_value') + ' ' + (g('stated_unit') || '');
      if (stated && !isBlank(g('stated_km')) && g('stated_unit') !== 'km') stated += ' = ' + km(g('stated_km'));
      var diff = src.number('difference_km', i);
      var rows = [
        row('Claim', (g('kind') || 'distance') + ': ' + (g('subject') || '?') + ' → ' + (g('object') || '?')),
        row('Stated', stated), row('Computed', km(g('computed_km'))),
        row('Difference', diff === null ? '' : (diff > 0 ? '+' : '') + diff.toFixed(1) + ' km'),
        row('Tolerance', isBlank(g('tolerance_km')) ? '' : '±' + km(g('tolerance_km'))),
        row('Method', g('method')),
      ];
      var badge = isBlank(verdict) ? '' : '<p class="geomap-verdict geomap-verdict-' + esc(fold(verdict).replace(/ /g, '-')) +
        '">' + esc(verdict) + '</p>';
      var item = { article_id: g('article_id'), start: g('start'), end: g('end') };
      return badge + table(rows) + (isBlank(g('quote')) ? '' : quote(g('quote'), '', item));
    },

    barrier: function (src, i) {
      var g = function (c) { return src.get(c, i); };
      var reported = list(g('reported')).filter(function (r) { return r && typeof r === 'object'; });
      reported.sort(byArticle);
      var html = table([row('Drawn length', km(g('length_km'))), row('Geometry', g('approximate') ? 'approximate' : ''),
        row('Note', g('note'))]);
      if (reported.length) {
        html += '<h4>Reported lengths</h4>' + quotes(reported, function (r) {
          var text = [r.value, r.unit].filter(function (v) { return !isBlank(v); }).join(' ');
          if (!isBlank(r.km)) text += ' = ' + km(r.km);
          if (!isBlank(r.difference_km)) text += ' (' + (r.difference_km > 0 ? '+' : '') + Number(r.difference_km).toFixed(1) + ' km)';
          return '<div class="geomap-figure">' + esc(text) + '</div>' + quote(r.quote, '', r);
        });
      }
      return html;
    },

    border: function (src, i) {
      var g = function (c) { return src.get(c, i); };
      return table([row('Countries', list(g('countries')).join('–')), row('Length', km(g('length_km'))),
        row('Source', g('source'))]);
    },

    distances: function (src, i) {
      var g = function (c) { return src.get(c, i); };
      return table([row('From', g('from')), row('To', g('to')), row('Distance', km(g('km'))), row('Kind', g('kind')),
        row('Method', g('method'))]);
    },

    bands: function (src, i) {
      var inner = src.number('inner_km', i), outer = src.number('outer_km', i);
      return table([row('Band', inner ? inner + '–' + outer + ' km' : 'within ' + outer + ' km'),
        row('From', src.get('of', i)), row('Drawn as', 'geodesic buffer')]);
    },

    areas: function (src, i) {
      var radius = src.number('uncertainty_m', i);
      return table([row('Precision', precisionText(src.get('precision', i))), row('Radius', radius ? km(radius / 1000) : '')]);
    },
  };

  function attributes(src, i, open) {
    var skip = SHOWN_ABOVE[src.role] || [];
    var rows = src.columns.map(function (c) {
      var v = src.get(c, i);
      var text;
      if (isBlank(v)) text = '—';
      else if (typeof v === 'object') text = skip.indexOf(c) >= 0 ? list(v).length + ' item(s), shown above' : short(v, 600);
      else text = String(v);
      return '<tr><th>' + esc(c) + '</th><td>' + esc(text) + '</td></tr>';
    }).join('');
    if (!rows) return '';
    var inner = '<table class="geomap-attributes">' + rows + '</table>';
    if (open) return inner;
    return '<details><summary>All attributes (' + src.columns.length + ')</summary>' + inner + '</details>';
  }

  function popupHtml(src, i) {
    var summary = SUMMARIES[src.role];
    return '<div class="geomap-popup"><h3>' + esc(heading(src, i)) + '</h3>' +
      (summary ? summary(src, i) : '') + attributes(src, i, !summary) +
      '<p class="geomap-layer-name">' + esc(src.title) + '</p></div>';
  }
  geomap.popupHtml = popupHtml;

  // ------------------------------------------------------------------ geodesy (measure tool)

  // Vincenty's inverse formula on WGS84; metres. Falls back to a spherical distance in the rare
  // near-antipodal cases where the iteration does not converge.
  function geodesicM(lat1, lon1, lat2, lon2) {
    var a = 6378137, f = 1 / 298.257223563, b = a * (1 - f), rad = Math.PI / 180;
    var Lon = (lon2 - lon1) * rad;
    var U1 = Math.atan((1 - f) * Math.tan(lat1 * rad)), U2 = Math.atan((1 - f) * Math.tan(lat2 * rad));
    var sinU1 = Math.sin(U1), cosU1 = Math.cos(U1), sinU2 = Math.sin(U2), cosU2 = Math.cos(U2);
    var lambda = Lon, prev, iter = 0, sinSigma, cosSigma, sigma, cosSqAlpha, cos2SigmaM;
    do {
      var sinLambda = Math.sin(lambda), cosLambda = Math.cos(lambda);
      sinSigma = Math.sqrt(Math.pow(cosU2 * sinLambda, 2) + Math.pow(cosU1 * sinU2 - sinU1 * cosU2 * cosLambda, 2));
      if (sinSigma === 0) return 0;
      cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
      sigma = Math.atan2(sinSigma, cosSigma);
      var sinAlpha = cosU1 * cosU2 * sinLambda / sinSigma;
      cosSqAlpha = 1 - sinAlpha * sinAlpha;
      cos2SigmaM = cosSqAlpha ? cosSigma - 2 * sinU1 * sinU2 / cosSqAlpha : 0;
      var C = f / 16 * cosSqAlpha * (4 + f * (4 - 3 * cosSqAlpha));
      prev = lambda;
      lambda = Lon + (1 - C) * f * sinAlpha *
        (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    } while (Math.abs(lambda - prev) > 1e-12 && ++iter < 200);
    if (iter >= 200) return L.CRS.Earth.distance(L.latLng(lat1, lon1), L.latLng(lat2, lon2));
    var uSq = cosSqAlpha * (a * a - b * b) / (b * b);
    var A = 1 + uSq / 16384 * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
    var B = uSq / 1024 * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
    var dSigma = B * sinSigma * (cos2SigmaM + B / 4 * (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) -
      B / 6 * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
    return b * A * (sigma - dSigma);
  }
  geomap.geodesicM = geodesicM;

  // ------------------------------------------------------------------ point layers

  var RING_ROLES = { places: true, events: true, generic: true };

  function hasRing(src, i) {
    var r = src.number('uncertainty_m', i);
    if (!(r > 0)) return false;
    if (src.role === 'places') return (src.number('precision', i) || 1) === 2;  // regions: the basemap shows them
    return (src.number('geo_precision', i) || src.number('precision', i) || 1) < 3 || src.role === 'events';
  }

  function SmallPoints(app, src) {
    this.app = app;
    this.src = src;
    this.group = L.featureGroup();
    this.rings = null;
    this.markers = [];
    this.ringLayers = [];
    var cls = { places: 'geomap-place', events: 'geomap-event' }[src.role] || 'geomap-point';
    var ringCount = 0;
    for (var i = 0; i < src.n; i++) {
      var marker = L.circleMarker(src.latlng(i), {
        radius: app.style.s.marker_radius, color: '#ffffff', weight: 1.5, fillColor: app.style.pointColour(src, i),
        fillOpacity: 0.95, className: cls, pane: 'geomapPoints',
      });
      marker.bindPopup(popupHtml.bind(null, src, i), { maxWidth: 400 });
      marker.bindTooltip(esc(tooltipText(src, i)), { sticky: true });
      marker.geomapIndex = i;
      this.markers.push(marker);
      this.group.addLayer(marker);
      if (RING_ROLES[src.role] && hasRing(src, i)) ringCount += 1;
    }
    if (ringCount && !(src.role === 'places' && app.hasAreasLayer)) {
      this.rings = L.featureGroup();
      for (var k = 0; k < src.n; k++) {
        if (!hasRing(src, k)) { this.ringLayers.push(null); continue; }
        var radius = src.number('uncertainty_m', k);
        var ring = L.circle(src.latlng(k), {
          radius: radius, color: src.role === 'events' ? app.style.pointColour(src, k) : app.style.s.area, weight: 2,
          dashArray: app.style.s.area_dash, fill: true, fillOpacity: 0.08, className: 'geomap-area', pane: 'geomapAreas',
        });
        var label = tooltipText(src, k) + ' (±' + km(radius / 1000) + ')';
        ring.bindPopup(popupHtml.bind(null, src, k), { maxWidth: 400 });
        ring.bindTooltip(esc(label), { sticky: true });
        this.ringLayers.push(ring);
        this.rings.addLayer(ring);
      }
    }
  }
  SmallPoints.prototype.filter = function (keep) {
    var shown = 0;
    for (var i = 0; i < this.src.n; i++) {
      var ok = keep(this.src, i);
      var marker = this.markers[i];
      if (ok && !this.group.hasLayer(marker)) this.group.addLayer(marker);
      if (!ok && this.group.hasLayer(marker)) this.group.removeLayer(marker);
      var ring = this.ringLayers[i];
      if (ring) {
        if (ok && !this.rings.hasLayer(ring)) this.rings.addLayer(ring);
        if (!ok && this.rings.hasLayer(ring)) this.rings.removeLayer(ring);
      }
      if (ok) shown += 1;
    }
    return shown;
  };

  // A grid clustering drawn on canvas: the points in view are binned into cells of CELL pixels;
  // a cell with one point draws the point, a cell with more draws a bubble with the count.
  var CELL = 64;

  var ClusterLayer = L.Layer.extend({
    initialize: function (app, src) {
      this.app = app;
      this.src = src;
      var n = src.n, xy = src.raw.xy;
      this.mx = new Float64Array(n);
      this.my = new Float64Array(n);
      for (var i = 0; i < n; i++) {
        var lat = Math.max(Math.min(xy[2 * i + 1], 85.0511), -85.0511) * Math.PI / 180;
        this.mx[i] = (xy[2 * i] + 180) / 360;
        this.my[i] = 0.5 - Math.log(Math.tan(Math.PI / 4 + lat / 2)) / (2 * Math.PI);
      }
      this.active = null;  // indices passing the filter; null = all
      this.renderer = L.canvas({ padding: 0.2, pane: 'geomapPoints' });
      this.drawn = L.layerGroup();
    },
    onAdd: function (map) {
      this.drawn.addTo(map);
      map.on('moveend', this.redraw, this);
      this.redraw();
    },
    onRemove: function (map) {
      map.off('moveend', this.redraw, this);
      map.removeLayer(this.drawn);
      this.drawn.clearLayers();
    },
    filter: function (keep) {
      var active = [];
      for (var i = 0; i < this.src.n; i++) if (keep(this.src, i)) active.push(i);
      this.active = active.length === this.src.n ? null : active;
      if (this._map) this.redraw();
      return active.length;
    },
    redraw: function () {
      var map = this._map;
      if (!map) return;
      var zoom = map.getZoom(), scale = 256 * Math.pow(2, zoom);
      var px = map.getPixelBounds();
      var x0 = px.min.x - CELL, x1 = px.max.x + CELL, y0 = px.min.y - CELL, y1 = px.max.y + CELL;
      var cells = new Map();
      var count = this.active ? this.active.length : this.src.n;
      for (var k = 0; k < count; k++) {
        var i = this.active ? this.active[k] : k;
        var x = this.mx[i] * scale, y = this.my[i] * scale;
        // the map may show copies of the world: bring x into the view's world
        if (x < x0) x += scale * Math.ceil((x0 - x) / scale);
        if (x > x1 || y < y0 || y > y1) continue;
        var key = Math.floor(x / CELL) * 1e7 + Math.floor(y / CELL);
        var cell = cells.get(key);
        if (!cell) cells.set(key, (cell = { n: 0, sx: 0, sy: 0, first: i, members: [] }));
        cell.n += 1;
        cell.sx += x;
        cell.sy += y;
        if (cell.members.length < 200) cell.members.push(i);
      }
      var drawn = this.drawn, self = this, style = this.app.style, src = this.src;
      drawn.clearLayers();
      var keys = Array.from(cells.keys()).sort(function (a, b) { return a - b; });
      keys.forEach(function (key) {
        var cell = cells.get(key);
        if (cell.n === 1) {
          var i = cell.first;
          var marker = L.circleMarker(src.latlng(i), {
            renderer: self.renderer, radius: style.s.marker_radius - 1, color: '#ffffff', weight: 1,
            fillColor: style.pointColour(src, i), fillOpacity: 0.95,
          });
          marker.on('click', function () { self.app.openPopup(src, i); });
          marker.bindTooltip(esc(tooltipText(src, i)), { sticky: true });
          drawn.addLayer(marker);
          return;
        }
        var centre = map.unproject(L.point(cell.sx / cell.n, cell.sy / cell.n), zoom);
        var size = cell.n < 10 ? 26 : cell.n < 100 ? 32 : cell.n < 1000 ? 38 : 46;
        var bubble = L.marker(centre, {
          icon: L.divIcon({ html: '<span>' + cell.n + '</span>', className: 'geomap-cluster', iconSize: [size, size] }),
          keyboard: false, title: cell.n + ' points',
        });
        bubble.on('click', function () { self.open(cell, centre); });
        drawn.addLayer(bubble);
      });
      this.app.fire('clustered', { layer: this.src.name, cells: keys.length });
    },
    open: function (cell, centre) {
      var map = this._map, src = this.src;
      var bounds = L.latLngBounds(cell.members.map(function (i) { return src.latlng(i); }));
      var same = bounds.getNorthEast().equals(bounds.getSouthWest(), 1e-9);
      if (!same && map.getZoom() < map.getMaxZoom()) {
        map.fitBounds(bounds.pad(0.1), { maxZoom: Math.max(map.getZoom() + 2, map.getBoundsZoom(bounds)) });
        return;
      }
      // the same spot, or the deepest zoom: list the points there
      var app = this.app;
      var items = cell.members.map(function (i) {
        return '<li><a href="#" data-geomap-index="' + i + '">' + esc(heading(src, i)) + '</a></li>';
      }).join('');
      var more = cell.n > cell.members.length ? '<p>… and ' + (cell.n - cell.members.length) + ' more</p>' : '';
      var popup = L.popup({ maxWidth: 400 }).setLatLng(centre)
        .setContent('<div class="geomap-popup"><h3>' + cell.n + ' points here</h3><ul class="geomap-members">' + items +
          '</ul>' + more + '</div>').openOn(map);
      popup.getElement().addEventListener('click', function (event) {
        var link = event.target.closest('[data-geomap-index]');
        if (!link) return;
        event.preventDefault();
        app.openPopup(src, Number(link.getAttribute('data-geomap-index')));
      });
    },
  });

  // ------------------------------------------------------------------ line and polygon layers

  function ShapeLayer(app, src) {
    this.src = src;
    var features = src.raw.geoms.map(function (geometry, i) {
      return { type: 'Feature', geometry: geometry, properties: { i: i } };
    });
    var pane = src.role === 'bands' ? 'geomapBands' : src.role === 'areas' ? 'geomapAreas' : 'overlayPane';
    this.group = L.geoJSON({ type: 'FeatureCollection', features: features }, {
      pane: pane,
      style: function (feature) { return app.style.shape(src, feature.properties.i); },
      pointToLayer: function (feature, latlng) {
        var i = feature.properties.i;
        return L.circleMarker(latlng, { radius: app.style.s.marker_radius - 1, color: '#fff', weight: 1.5,
          fillColor: app.style.pointColour(src, i), fillOpacity: 0.9, className: 'geomap-point', pane: 'geomapPoints' });
      },
      onEachFeature: function (feature, layer) {
        var i = feature.properties.i;
        layer.bindPopup(popupHtml.bind(null, src, i), { maxWidth: 400 });
        var label = null;
        if (src.role === 'distances') label = km(src.get('km', i));
        else if (src.role === 'claims') label = claimLabel(src, i);
        if (label) {
          // interactive: a click on the label opens the line's popup
          layer.bindTooltip(esc(label), { permanent: true, direction: 'center', className: 'geomap-km-label', interactive: true });
        } else if (src.role !== 'bands') {
          layer.bindTooltip(esc(tooltipText(src, i)), { sticky: true });
        }
      },
    });
  }

  // ------------------------------------------------------------------ controls

  function control(position, build) {
    var Ctl = L.Control.extend({ onAdd: build });
    return new Ctl({ position: position });
  }

  var ICONS = {
    ruler: '<svg viewBox="0 0 24 24" width="18" height="18"><path d="M3 15.5 15.5 3 21 8.5 8.5 21z" fill="none" ' +
      'stroke="#333" stroke-width="1.8"/><path d="M7 11.5l2 2M9.5 9l1.5 1.5M12 6.5l2 2M14.5 4l1.5 1.5" stroke="#333" stroke-width="1.5"/></svg>',
    fullscreen: '<svg viewBox="0 0 24 24" width="18" height="18"><path d="M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5" ' +
      'fill="none" stroke="#333" stroke-width="2"/></svg>',
  };

  function button(container, icon, title, onClick) {
    var b = L.DomUtil.create('a', 'geomap-button', container);
    b.href = '#';
    b.setAttribute('role', 'button');
    b.title = title;
    b.setAttribute('aria-label', title);
    b.innerHTML = ICONS[icon];  // constant markup, no data
    L.DomEvent.on(b, 'click', function (e) { L.DomEvent.preventDefault(e); onClick(b); });
    return b;
  }

  function App(map, blob) {
    this.map = map;
    this.blob = blob;
    this.style = new Styler(blob.style);
    this.sources = blob.layers.map(function (raw, k) { return new Source(raw, k); });
    this.hasAreasLayer = this.sources.some(function (s) { return s.role === 'areas'; });
    this.overlays = [];  // {title, layer, source, points}
    this.timed = [];
    L.extend(this, L.Evented.prototype);
  }

  App.prototype.panes = function () {
    var map = this.map;
    [['geomapBase', 350], ['geomapBands', 360], ['geomapAreas', 380], ['geomapPoints', 450]].forEach(function (p) {
      if (!map.getPane(p[0])) map.createPane(p[0]).style.zIndex = p[1];
    });
  };

  App.prototype.baseLayers = function () {
    var blob = this.blob, map = this.map, s = this.style.s, bases = {};
    var offline = L.layerGroup();
    if (blob.basemap) {
      L.geoJSON(blob.basemap, {
        pane: 'geomapBase', interactive: false,
        style: function () { return { color: s.land_edge, weight: 0.8, fillColor: s.land, fillOpacity: 1 }; },
      }).addTo(offline);
      blob.basemap.labels.forEach(function (label) {
        L.marker([label[0], label[1]], {
          interactive: false, keyboard: false, pane: 'geomapBase',
          icon: L.divIcon({ html: '<span>' + esc(label[2]) + '</span>', iconSize: [160, 16], iconAnchor: [80, 8],
            className: 'geomap-country-label' }),
        }).addTo(offline);
      });
      bases['Countries (offline)'] = offline;
    } else if (blob.tiles.length) {
      bases['Blank (offline)'] = offline;
    }
    offline.addTo(map);
    blob.tiles.forEach(function (tile) {
      bases[esc(tile[0])] = L.tileLayer(tile[1], { attribution: esc(tile[2]), maxZoom: 19 });
    });
    return bases;
  };

  App.prototype.build = function () {
    var app = this, s = this.style.s;
    this.sources.forEach(function (src) {
      var entry = { title: src.title, source: src, rings: null };
      if (src.points && src.n > s.cluster_above) {
        entry.layer = new ClusterLayer(app, src);
        entry.clustered = true;
      } else if (src.points) {
        var small = new SmallPoints(app, src);
        entry.layer = small.group;
        entry.points = small;
        if (small.rings) {
          entry.rings = small.rings;
          var ringTitle = src.role === 'places' ? 'Areas (uncertainty)' :
            src.role === 'events' ? 'Event precision rings' : src.title + ' (uncertainty)';
          app.overlays.push({ title: ringTitle, layer: small.rings, source: src, ringsOf: src });
        }
      } else {
        entry.layer = new ShapeLayer(app, src).group;
      }
      app.overlays.push(entry);
      if (src.raw.time && src.points) app.timed.push(entry);
    });
    // the layer control lists points first, then rings, lines and areas
    var rank = { places: 0, events: 1, generic: 2, claims: 3, areas: 4, border: 5, barrier: 6, distances: 7, bands: 8 };
    this.overlays.forEach(function (o, k) { o.order = k; });
    this.overlays.sort(function (a, b) {
      var ra = a.ringsOf ? 4 : rank[a.source.role], rb = b.ringsOf ? 4 : rank[b.source.role];
      return ra - rb || a.order - b.order;
    });
    var overlays = {};
    this.overlays.forEach(function (o) {
      var title = o.title, n = 2;
      while (overlays[esc(title)]) title = o.title + ' (' + n++ + ')';
      overlays[esc(title)] = o.layer;
    });
    // drawing order on the map: bands and areas under lines, lines under points
    var draw = this.overlays.slice().sort(function (a, b) {
      var order = { bands: 0, areas: 1, border: 2, barrier: 3, distances: 4, claims: 5, generic: 6, places: 7, events: 8 };
      return (a.ringsOf ? 1.5 : order[a.source.role]) - (b.ringsOf ? 1.5 : order[b.source.role]) || a.order - b.order;
    });
    draw.forEach(function (o) { o.layer.addTo(app.map); });
    return overlays;
  };

  App.prototype.openPopup = function (src, i) {
    var popup = L.popup({ maxWidth: 400 }).setLatLng(src.latlng(i)).setContent(popupHtml(src, i));
    popup.openOn(this.map);
    return popup;
  };

  App.prototype.focus = function (src, i) {
    var entry = this.overlays.filter(function (o) { return o.source === src && !o.ringsOf; })[0];
    if (entry && !this.map.hasLayer(entry.layer)) entry.layer.addTo(this.map);
    var bounds = src.bounds(i);
    if (src.points) this.map.setView(bounds.getCenter(), Math.max(this.map.getZoom(), 10), { animate: false });
    else this.map.fitBounds(bounds, { maxZoom: 12, animate: false });
    var marker = entry && entry.points && entry.points.markers[i];
    if (marker && entry.points.group.hasLayer(marker)) marker.openPopup();
    else this.openPopup(src, i);
  };

  // --- legend

  function swatchLine(colour, width, dash) {
    return '<svg width="28" height="12"><line x1="1" y1="6" x2="27" y2="6" stroke="' + esc(colour) +
      '" stroke-width="' + width + '"' + (dash ? ' stroke-dasharray="' + esc(dash) + '"' : '') + '/></svg>';
  }
  function swatchDot(colour) {
    return '<svg width="28" height="14"><circle cx="14" cy="7" r="5.5" fill="' + esc(colour) +
      '" stroke="#fff" stroke-width="1.5"/></svg>';
  }
  function swatchRing(colour) {
    return '<svg width="28" height="14"><circle cx="14" cy="7" r="6" fill="' + esc(colour) + '" fill-opacity="0.1" stroke="' +
      esc(colour) + '" stroke-dasharray="3 2"/></svg>';
  }
  function swatchBox(fill, opacity, stroke) {
    return '<svg width="28" height="14"><rect x="2" y="1" width="24" height="12" fill="' + esc(fill) + '" fill-opacity="' +
      opacity + '" stroke="' + esc(stroke || fill) + '" stroke-width="0.8"/></svg>';
  }

  App.prototype.legendItems = function () {
    var s = this.style.s, style = this.style, items = [], seen = {};
    function add(swatch, text) {
      if (seen[text]) return;
      seen[text] = true;
      items.push([swatch, text]);
    }
    this.sources.forEach(function (src) {
      var i;
      switch (src.role) {
        case 'places':
          add(swatchDot(s.precision[0]), 'place, precision 1 (point)');
          add(swatchDot(s.precision[1]), 'place, precision 2 (area)');
          add(swatchDot(s.precision[2]), 'place, precision 3 (region)');
          add(swatchRing(s.area), 'uncertainty area (radius)');
          break;
        case 'events': {
          var types = {};
          for (i = 0; i < src.n; i++) types[src.get('event_type', i) || ''] = true;
          Object.keys(types).sort().forEach(function (t) {
            add(swatchDot(style.eventColour(t || null)), 'event: ' + (t || 'type unknown'));
          });
          add(swatchRing(s.precision[1]), 'event precision ring (radius = uncertainty)');
          break;
        }
        case 'claims': {
          var verdicts = {};
          for (i = 0; i < src.n; i++) verdicts[src.get('verdict', i) || 'unverifiable'] = true;
          Object.keys(verdicts).sort().forEach(function (v) {
            add(swatchLine(style.verdicts[v] || s.verdicts[2][1], 3, '8 5'), 'claim: ' + v + ' (stated vs computed km)');
          });
          break;
        }
        case 'border': add(swatchLine(s.border, 3), 'international border'); break;
        case 'barrier': add(swatchLine(s.barrier, 4, '6 4'), 'barrier (approximate line)'); break;
        case 'distances': add(swatchLine(s.distance, 1.5, '3 3'), 'geodesic distance, labelled in km'); break;
        case 'areas': add(swatchRing(s.area), 'uncertainty area (radius)'); break;
        case 'bands':
          for (i = 0; i < src.n; i++) {
            var style1 = style.shape(src, i);
            add(swatchBox(style1.fillColor, style1.fillOpacity * 2), String(src.get('name', i) || 'proximity band'));
          }
          break;
        default: add(swatchDot(s.generic), 'layer “' + src.title + '”');
      }
      if (src.points && src.n > s.cluster_above) {
        add('<span class="geomap-cluster geomap-cluster-swatch"><span>n</span></span>', 'cluster of n points (click to zoom)');
      }
    });
    if (this.blob.basemap) {
      add('<svg width="28" height="14"><rect x="1" y="1" width="13" height="12" fill="' + esc(s.land) + '" stroke="' +
        esc(s.land_edge) + '"/><rect x="14" y="1" width="13" height="12" fill="' + esc(s.sea) + '"/></svg>',
        'land / sea (offline basemap)');
    }
    var dropped = this.sources.reduce(function (sum, src) { return sum + (src.raw.dropped || 0); }, 0);
    if (dropped) add('', dropped + ' feature(s) without geometry not drawn');
    return items;
  };

  App.prototype.legend = function () {
    var app = this;
    return control('bottomright', function () {
      var box = L.DomUtil.create('div', 'geomap-legend leaflet-control');
      var title = L.DomUtil.create('h1', '', box);
      title.textContent = app.blob.title;
      title.title = 'click to fold the legend';
      var ul = L.DomUtil.create('ul', '', box);
      ul.innerHTML = app.legendItems().map(function (item) {
        return '<li>' + item[0] + '<span>' + esc(item[1]) + '</span></li>';
      }).join('');
      L.DomEvent.on(title, 'click', function () { box.classList.toggle('geomap-folded'); });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    });
  };

  // --- measure

  App.prototype.measure = function () {
    var map = this.map, state = { on: false, points: [], line: null, marks: L.layerGroup() };
    var panel;
    function total() {
      var sum = 0;
      for (var k = 1; k < state.points.length; k++) {
        var a = state.points[k - 1], b = state.points[k];
        sum += geodesicM(a.lat, a.lng, b.lat, b.lng);
      }
      return sum;
    }
    function refresh() {
      var n = state.points.length;
      if (state.line) state.line.setLatLngs(state.points);
      panel.innerHTML = state.on ? (n < 2 ? 'Click on the map to measure (geodesic, WGS84).' :
        'Total: <b class="geomap-measure-total">' + (total() / 1000).toFixed(2) + ' km</b> (' + (n - 1) +
        ' segment' + (n > 2 ? 's' : '') + ')<br><small>Esc or the ruler again to stop</small>') : '';
      panel.style.display = state.on ? 'block' : 'none';
    }
    function click(e) {
      state.points.push(e.latlng);
      var n = state.points.length;
      var label = n === 1 ? 'start' : (total() / 1000).toFixed(2) + ' km';
      L.circleMarker(e.latlng, { radius: 3, color: '#222', weight: 1, fillColor: '#fff', fillOpacity: 1, interactive: false })
        .bindTooltip(esc(label), { permanent: true, direction: 'right', className: 'geomap-measure-label' })
        .addTo(state.marks);
      refresh();
    }
    function stop(b) {
      state.on = false;
      b.classList.remove('geomap-active');
      map.off('click', click);
      map.getContainer().classList.remove('geomap-measuring');
      map.doubleClickZoom.enable();
      state.points = [];
      state.marks.clearLayers();
      if (state.line) map.removeLayer(state.line);
      state.line = null;
      refresh();
    }
    function start(b) {
      state.on = true;
      b.classList.add('geomap-active');
      state.line = L.polyline([], { color: '#222', weight: 2, dashArray: '5 4', interactive: false }).addTo(map);
      state.marks.addTo(map);
      map.on('click', click);
      map.getContainer().classList.add('geomap-measuring');
      map.doubleClickZoom.disable();
      refresh();
    }
    return control('topleft', function () {
      var box = L.DomUtil.create('div', 'leaflet-bar leaflet-control geomap-measure');
      var b = button(box, 'ruler', 'Measure a geodesic distance (km)', function (btn) { if (state.on) stop(btn); else start(btn); });
      b.classList.add('geomap-measure-button');
      panel = L.DomUtil.create('div', 'geomap-measure-panel', box);
      panel.style.display = 'none';
      L.DomEvent.disableClickPropagation(box);
      document.addEventListener('keydown', function (e) { if (e.key === 'Escape' && state.on) stop(b); });
      return box;
    });
  };

  // --- fullscreen

  App.prototype.fullscreen = function () {
    var map = this.map, container = map.getContainer();
    function set(on, b) {
      container.classList.toggle('geomap-fullscreen', on);
      document.documentElement.classList.toggle('geomap-fullscreen-page', on);
      b.classList.toggle('geomap-active', on);
      b.title = on ? 'Exit full screen' : 'Full screen';
      map.invalidateSize();
    }
    return control('topleft', function () {
      var box = L.DomUtil.create('div', 'leaflet-bar leaflet-control');
      var b = button(box, 'fullscreen', 'Full screen', function (btn) {
        var on = !container.classList.contains('geomap-fullscreen');
        set(on, btn);
        try {
          if (on && container.requestFullscreen) container.requestFullscreen().catch(function () {});
          if (!on && document.fullscreenElement && document.exitFullscreen) document.exitFullscreen().catch(function () {});
        } catch (e) { /* the CSS full screen is enough */ }
      });
      b.classList.add('geomap-fullscreen-button');
      document.addEventListener('fullscreenchange', function () {
        if (!document.fullscreenElement && container.classList.contains('geomap-fullscreen')) set(false, b);
      });
      return box;
    });
  };

  // --- search

  var SEARCH_COLUMNS = ['name', 'canonical_name', 'names_written', 'location', 'admin1', 'title', 'label', 'event_id',
    'claim_id', 'subject', 'object', 'from', 'to', 'NAME', 'id'];

  // Search folds each distinct value once: a dictionary-coded column (most names) is matched on
  // its dictionary and then found by code; a plain column is folded once, on the first search.
  Source.prototype.searchable = function () {
    if (this.searchCols) return this.searchCols;
    var src = this;
    var columns = SEARCH_COLUMNS.filter(function (c) { return src.has(c); });
    if (!columns.length) {  // a user's schema: search its text columns
      columns = src.columns.filter(function (c) {
        for (var i = 0; i < Math.min(src.n, 50); i++) {
          var x = src.get(c, i);
          if (!isBlank(x)) return typeof x === 'string';
        }
        return false;
      });
    }
    this.searchCols = columns.map(function (c) {
      var v = src.raw.data[c];
      var foldAll = function (values) {
        return values.map(function (x) { return isBlank(x) ? '' : list(x).map(fold).join(' \u0001 '); });
      };
      return Array.isArray(v) ? { plain: foldAll(v) } : { dict: foldAll(v.d), codes: v.c };
    });
    return this.searchCols;
  };

  function matchAt(key, q) {
    var at = key.indexOf(q);
    if (at < 0) return 0;
    if (at === 0) return 3;  // the name starts with the query
    return key.charAt(at - 1) === ' ' ? 2 : 1;  // 2: a word starts with it, 1: inside a word
  }

  var SEARCH_ORDER = { places: 0, events: 1, generic: 2, claims: 3, areas: 4, distances: 5, border: 6, barrier: 7, bands: 8 };

  App.prototype.search = function (query, limit) {
    var q = fold(query);
    if (!q) return [];
    var hits = [[], [], [], []];  // by rank: [unused, inside a word, word start, name start]
    var full = function () { return hits[3].length >= limit; };
    var sources = this.sources.slice().sort(function (a, b) {
      return SEARCH_ORDER[a.role] - SEARCH_ORDER[b.role] || a.index - b.index;
    });
    sources.forEach(function (src) {
      if (full()) return;
      var best = {};
      src.searchable().forEach(function (col) {
        var i, rank;
        if (col.plain) {
          for (i = 0; i < col.plain.length; i++) {
            rank = col.plain[i] ? matchAt(col.plain[i], q) : 0;
            if (rank > (best[i] || 0)) best[i] = rank;
          }
        } else {
          var ranks = col.dict.map(function (key) { return matchAt(key, q); });
          if (!ranks.some(Boolean)) return;
          for (i = 0; i < col.codes.length; i++) {
            rank = col.codes[i] < 0 ? 0 : ranks[col.codes[i]];
            if (rank > (best[i] || 0)) best[i] = rank;
          }
        }
      });
      Object.keys(best).map(Number).sort(function (a, b) { return a - b; }).forEach(function (i) {
        if (hits[best[i]].length < limit) hits[best[i]].push({ src: src, i: i });
      });
    });
    return hits[3].concat(hits[2], hits[1]).slice(0, limit);
  };

  App.prototype.searchBox = function () {
    var app = this;
    return control('topleft', function () {
      var box = L.DomUtil.create('div', 'leaflet-bar leaflet-control geomap-search');
      var input = L.DomUtil.create('input', 'geomap-search-input', box);
      input.type = 'search';
      input.placeholder = 'Search places…';
      input.setAttribute('aria-label', 'Search by place name');
      var results = L.DomUtil.create('ul', 'geomap-search-results', box);
      var found = [];
      function show() {
        found = app.search(input.value, 12);
        results.innerHTML = found.map(function (hit, k) {
          return '<li><a href="#" data-k="' + k + '">' + esc(heading(hit.src, hit.i)) + '<small>' + esc(hit.src.title) +
            '</small></a></li>';
        }).join('') + (input.value && !found.length ? '<li class="geomap-none">no match</li>' : '');
      }
      function pick(k) {
        var hit = found[k];
        if (!hit) return;
        results.innerHTML = '';
        app.focus(hit.src, hit.i);
      }
      L.DomEvent.on(input, 'input', show);
      L.DomEvent.on(input, 'keydown', function (e) {
        if (e.key === 'Enter') { L.DomEvent.preventDefault(e); if (!found.length) show(); pick(0); }
        if (e.key === 'Escape') { input.value = ''; results.innerHTML = ''; }
      });
      L.DomEvent.on(results, 'click', function (e) {
        var link = e.target.closest('[data-k]');
        if (!link) return;
        L.DomEvent.preventDefault(e);
        pick(Number(link.getAttribute('data-k')));
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    });
  };

  // --- minimap

  App.prototype.minimap = function () {
    var app = this, map = this.map, s = this.style.s;
    var ctl = control('bottomleft', function () {
      var box = L.DomUtil.create('div', 'leaflet-control geomap-minimap');
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    });
    ctl.addTo(map);
    var box = ctl.getContainer();
    box.style.background = this.blob.basemap ? s.sea : s.blank;
    var mini = L.map(box, {
      attributionControl: false, zoomControl: false, dragging: false, scrollWheelZoom: false, doubleClickZoom: false,
      boxZoom: false, keyboard: false, touchZoom: false, zoomSnap: 0, fadeAnimation: false, zoomAnimation: false,
      preferCanvas: true, center: map.getCenter(), zoom: Math.max(map.getZoom() - 4, 0),
    });
    if (this.blob.basemap) {
      L.geoJSON(this.blob.basemap, {
        interactive: false,
        style: function () { return { color: s.land_edge, weight: 0.5, fillColor: s.land, fillOpacity: 1 }; },
      }).addTo(mini);
    }
    var frame = L.rectangle(map.getBounds(), { color: '#c0392b', weight: 1.5, fillOpacity: 0.1, interactive: false }).addTo(mini);
    function sync() {
      mini.setView(map.getCenter(), Math.max(map.getZoom() - 4, 0), { animate: false });
      frame.setBounds(map.getBounds());
    }
    mini.on('click', function (e) { map.panTo(e.latlng); });
    map.on('moveend', sync);
    sync();
    app.mini = mini;
  };

  // --- time slider

  App.prototype.timeSlider = function () {
    var app = this, dates = {};
    this.timed.forEach(function (entry) {
      var src = entry.source, column = src.raw.time;
      for (var i = 0; i < src.n; i++) {
        var v = src.get(column, i);
        if (!isBlank(v)) dates[String(v).slice(0, 10)] = true;
      }
    });
    var days = Object.keys(dates).sort();
    if (!days.length) return null;
    var state = { lo: 0, hi: days.length - 1, undated: true };
    this.time = state;
    function keep(src, i) {
      var v = src.get(src.raw.time, i);
      if (isBlank(v)) return state.undated;
      var d = String(v).slice(0, 10);
      return d >= days[state.lo] && d <= days[state.hi];
    }
    var total = this.timed.reduce(function (sum, e) { return sum + e.source.n; }, 0);
    var box, from, to, range, count;
    function apply() {
      var shown = 0;
      app.timed.forEach(function (entry) {
        shown += entry.clustered ? entry.layer.filter(keep) : entry.points.filter(keep);
      });
      range.textContent = days[state.lo] + (state.hi !== state.lo ? ' – ' + days[state.hi] : '');
      count.textContent = shown + ' of ' + total + ' shown';
      count.setAttribute('data-shown', String(shown));
      app.fire('timefilter', { shown: shown });
    }
    var ctl = control('bottomleft', function () {
      box = L.DomUtil.create('div', 'leaflet-control geomap-time');
      var head = L.DomUtil.create('div', 'geomap-time-head', box);
      range = L.DomUtil.create('b', 'geomap-time-range', head);
      count = L.DomUtil.create('span', 'geomap-time-count', head);
      function slider(cls, value, label) {
        var input = L.DomUtil.create('input', cls, box);
        input.type = 'range';
        input.min = '0';
        input.max = String(days.length - 1);
        input.step = '1';
        input.value = String(value);
        input.setAttribute('aria-label', label);
        return input;
      }
      from = slider('geomap-time-from', 0, 'first date shown');
      to = slider('geomap-time-to', days.length - 1, 'last date shown');
      var undated = L.DomUtil.create('label', 'geomap-time-undated', box);
      var tick = L.DomUtil.create('input', '', undated);
      tick.type = 'checkbox';
      tick.checked = true;
      undated.appendChild(document.createTextNode(' show undated'));
      L.DomEvent.on(from, 'input', function () {
        state.lo = Number(from.value);
        if (state.lo > state.hi) { state.hi = state.lo; to.value = from.value; }
        apply();
      });
      L.DomEvent.on(to, 'input', function () {
        state.hi = Number(to.value);
        if (state.hi < state.lo) { state.lo = state.hi; from.value = to.value; }
        apply();
      });
      L.DomEvent.on(tick, 'change', function () { state.undated = tick.checked; apply(); });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    });
    ctl.addTo(this.map);
    apply();
    return ctl;
  };

  // ------------------------------------------------------------------ mount

  geomap.mount = function (map, element) {
    var blob = JSON.parse(element.textContent);
    var app = new App(map, blob);
    app.panes();
    var bases = app.baseLayers();
    var overlays = app.build();
    L.control.layers(bases, overlays, { collapsed: false, position: 'topright' }).addTo(map);
    app.searchBox().addTo(map);
    app.fullscreen().addTo(map);
    app.measure().addTo(map);
    app.legend().addTo(map);
    app.minimap();
    app.timeSlider();
    if (blob.view) {
      var size = map.getSize();
      var right = size.x > 900 ? 280 : 30;
      map.fitBounds(blob.view, { paddingTopLeft: [40, 30], paddingBottomRight: [right, 30], maxZoom: 12, animate: false });
    }
    geomap.app = app;
    document.documentElement.setAttribute('data-geomap-ready', '1');
    return app;
  };
})();
