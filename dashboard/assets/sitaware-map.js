/* sitaware: a click anywhere on the map (not only on a feature) reaches the server as a
   point, for proximity ("what is near here?"). Plotly reports clicks on features only, so
   this listens on the MapLibre map itself and writes the point into the page's store. */

// The home map's plotly subplot (its MapLibre map in `.map`), null until plotly has drawn it.
function sitawareMapSubplot() {
  var gd = document.querySelector("#home-map .js-plotly-plot");
  var layout = gd && gd._fullLayout;
  var sub = layout && layout.map && layout.map._subplot;
  return sub && sub.map ? sub : null;
}

(function () {
  "use strict";
  function attach() {
    var sub = sitawareMapSubplot();
    if (!sub) {
      return;
    }
    if (!keepsSources) {
      keepsSources = keepUnchangedSources(sub.map);
    }
    if (sub.map.__sitawareClick) {
      return;
    }
    sub.map.__sitawareClick = true;
    // Labels (cluster counts) appear at once instead of cross-fading over 300 ms: every
    // frame of a fade is a full redraw, and on a machine drawing WebGL on the CPU those
    // frames hold back the update that follows a pan or zoom. MapLibre takes the
    // duration only as a constructor option, which plotly does not pass on.
    if (typeof sub.map._fadeDuration === "number") {
      sub.map._fadeDuration = 0;
    }
    sub.map.on("click", function (e) {
      var dc = window.dash_clientside;
      if (dc && dc.set_props) {
        dc.set_props("home-map-point", {
          data: { lon: e.lngLat.lng, lat: e.lngLat.lat, at: Date.now() },
        });
      }
    });
    // A person's pan or zoom, for the server (home.py: render_map refetches the viewport's
    // data). Taken from MapLibre's own events rather than from the graph's relayoutData:
    // that one reaches the page's callbacks through plotly's event, the graph's props and a
    // clientside filter, each a turn of the page's event loop, and while the map is drawing
    // on the CPU every turn waits for a frame (~60 ms each).
    // As plotly does, a move counts when an input event ended it (a drag) or it was a
    // wheel zoom; moves made by code (a new figure, a fly to a place) do not.
    var wheeling = false;
    var lastSent = null;
    function send() {
      var view = viewOf(sub.map);
      var key = JSON.stringify(view);
      var dc = window.dash_clientside;
      if (key !== lastSent && dc && dc.set_props) {
        lastSent = key;
        dc.set_props("home-moved", { data: view });
      }
    }
    sub.map.on("wheel", function () {
      wheeling = true;
    });
    // A wheel zoom eases over 200 ms to its new zoom, and MapLibre then waits 200 ms more
    // for another wheel event before it ends the move. The view is final when the ease is
    // (the scroll handler then holds only its finish timer), so it is sent then: the data
    // are fetched while MapLibre waits. Another wheel event within the wait starts a new
    // ease, whose own end sends its view. (MapLibre's scroll handler keeps that state in
    // _active and _finishTimeout; without them, the end of the move below sends the view.)
    sub.map.on("move", function () {
      var sz = sub.map.scrollZoom;
      if (wheeling && sz && sz._active === false && sz._finishTimeout !== undefined) {
        send();
      }
    });
    sub.map.on("moveend", function (e) {
      if (sub.map.isMoving()) {
        // a move made by code inside a person's (plotly resizes the map at every update):
        // the person's own end of the move is still to come
        return;
      }
      var mine = Boolean(e && e.originalEvent) || wheeling;
      wheeling = false;
      if (mine) {
        send(); // nothing new when the end of the wheel's ease sent this view already
      }
    });
  }
  /* plotly gives every GeoJSON source of the map its data again at every update of the
     figure, changed or not, and MapLibre then re-reads and re-tiles each one in its worker
     (the admin outlines are the biggest) and redraws the map as each comes back. A pan
     changes only the viewport's traces, so the rest is skipped here when the new data holds
     the same features: the same geometry objects (plotly keeps those of the outlines) or
     the same points, with equal properties. The same collection object given again is
     never skipped: plotly may have changed it in place (a selection). */
  var keepsSources = false;
  // true once MapLibre's GeoJSON source class is wrapped (it needs a map with one source)
  function keepUnchangedSources(map) {
    var style = null;
    try {
      style = map.isStyleLoaded() ? map.getStyle() : null;
    } catch (err) {
      style = null; // not ready yet: the next tick tries again
    }
    var ids = Object.keys((style && style.sources) || {});
    for (var i = 0; i < ids.length; i++) {
      var src = map.getSource(ids[i]);
      if (src && src.type === "geojson") {
        var proto = Object.getPrototypeOf(src);
        if (!proto.__sitawareKeep && typeof proto.setData === "function") {
          var setData = proto.setData;
          proto.setData = function (data) {
            var prev = this._data && this._data.geojson;
            if (prev && prev !== data && sameFeatures(prev, data)) {
              return this;
            }
            return setData.apply(this, arguments);
          };
          proto.__sitawareKeep = true;
        }
        return true;
      }
    }
    return false;
  }
  function sameFeatures(a, b) {
    if (!a || !b || a.type !== "FeatureCollection" || b.type !== "FeatureCollection") {
      return false;
    }
    var fa = a.features, fb = b.features;
    if (!Array.isArray(fa) || !Array.isArray(fb) || fa.length !== fb.length) {
      return false;
    }
    for (var i = 0; i < fa.length; i++) {
      var x = fa[i], y = fb[i];
      if (!x || !y || x === y || x.id !== y.id || !sameGeometry(x.geometry, y.geometry) ||
          !sameValues(x.properties, y.properties)) {
        return false;
      }
    }
    return true;
  }
  function sameGeometry(g, h) {
    if (g === h) {
      return Boolean(g);
    }
    if (!g || !h || g.type !== "Point" || h.type !== "Point") {
      return false; // other shapes: only the very same object is known to be unchanged
    }
    return sameValue(g.coordinates, h.coordinates);
  }
  function sameValues(p, q) {
    if (!p || !q) {
      return p === q;
    }
    var kp = Object.keys(p), kq = Object.keys(q);
    if (kp.length !== kq.length) {
      return false;
    }
    for (var i = 0; i < kp.length; i++) {
      if (!Object.prototype.hasOwnProperty.call(q, kp[i]) || !sameValue(p[kp[i]], q[kp[i]])) {
        return false;
      }
    }
    return true;
  }
  // primitives, or flat arrays of primitives (a centroid, a point's coordinates)
  function sameValue(u, v) {
    if (u === v) {
      return true;
    }
    if (!Array.isArray(u) || !Array.isArray(v) || u.length !== v.length) {
      return false;
    }
    for (var i = 0; i < u.length; i++) {
      if (u[i] !== v[i] || (u[i] !== null && typeof u[i] === "object")) {
        return false;
      }
    }
    return true;
  }
  // centre, zoom and corners in the shape of plotly's relayout (home.py: _view_of)
  function viewOf(map) {
    var c = map.getCenter();
    var b = map.getBounds();
    var w = b.getWest(), e = b.getEast(), n = b.getNorth(), s = b.getSouth();
    return {
      "map.center": { lon: c.lng, lat: c.lat },
      "map.zoom": map.getZoom(),
      "map._derived": { coordinates: [[w, n], [e, n], [e, s], [w, s]] },
    };
  }
  window.setInterval(attach, 250);
})();

/* The live poll (home.py: live_poller): ask the server for the data's marker every
   data-interval ms and write it into home-marker.data only when it changed; the map and the
   lists redraw from that store. A plain request, not a Dash callback, so that a poll in flight
   never holds back the callbacks of a pan, a zoom or a filter change. One request at a time;
   a refusal (signed out, no right to it) stops the poll. */
(function () {
  "use strict";
  var busy = false;
  var stopped = false;
  var last = null;
  function tick() {
    var el = document.getElementById("home-live");
    var url = el && el.getAttribute("data-url");
    if (!url || busy || stopped) {
      if (!el) {
        last = null; // another page: start again from the next map page's marker
      }
      return;
    }
    if (last === null) {
      last = el.getAttribute("data-marker");
    }
    busy = true;
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (resp) {
        if (resp.status === 401 || resp.status === 403) {
          stopped = true;
          return null;
        }
        return resp.ok ? resp.json() : null;
      })
      .then(function (body) {
        var marker = body && body.marker;
        var dc = window.dash_clientside;
        if (marker && marker !== last && dc && dc.set_props) {
          last = marker;
          dc.set_props("home-marker", { data: marker });
        }
      })
      .catch(function () {
        /* the server is away for a moment: ask again at the next tick */
      })
      .finally(function () {
        busy = false;
      });
  }
  function loop() {
    tick();
    var el = document.getElementById("home-live");
    var ms = Number((el && el.getAttribute("data-interval")) || 500);
    window.setTimeout(loop, ms > 0 ? ms : 500);
  }
  loop();
})();

/* The page's clientside callbacks (namespace "sitaware"). */
var shownOnce = false;
window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.sitaware = Object.assign({}, window.dash_clientside.sitaware, {
  // the map page's controls in one store (home.py: query_of parses it on the server)
  collect: function (level, province, win, start, end, play, cats, layers, era, statuses,
    grades) {
    return [
      {
        level: level, province: province, window: win, start: start, end: end, play: play,
        categories: cats, layers: layers, era: era, statuses: statuses, grades: grades,
      },
      { display: win === "custom" ? "block" : "none" },
    ];
  },
  // the page's query for the proximity list, only while a centre is set (else no request)
  nearQuery: function (query, near) {
    if (near && typeof near === "object") {
      return query;
    }
    return window.dash_clientside.no_update;
  },
  // the map's key once the page's first map is drawn (every trace given to the map, the map
  // loaded and still), or 3 s after it came; every later key at once (home_panels.py)
  shown: function (key) {
    if (shownOnce) {
      return key;
    }
    var since = Date.now();
    return new Promise(function (resolve) {
      (function check() {
        var sub = sitawareMapSubplot();
        var m = sub && sub.map;
        var drawn = !!m && (sub.gd._fullData || []).every(function (t) {
          return sub.traceHash && sub.traceHash[t.uid];
        }) && m.loaded() && m.areTilesLoaded() && !m.isMoving();
        if (drawn || Date.now() - since > 3000) {
          shownOnce = true;
          resolve(key);
        } else {
          window.setTimeout(check, 25);
        }
      })();
    });
  },
  // a drag across the trend chart's days (it carries the x range), for the server
  trendRange: function (relayout) {
    if (relayout && typeof relayout === "object" && "xaxis.range[0]" in relayout) {
      return relayout;
    }
    return window.dash_clientside.no_update;
  },
});
