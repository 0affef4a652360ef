/* sitaware: a click anywhere on the map (not only on a feature) reaches the server as a
   point, for proximity ("what is near here?"). Plotly reports clicks on features only, so
   this listens on the MapLibre map itself and writes the point into the page's store. */
(function () {
  "use strict";
  function attach() {
    var gd = document.querySelector("#home-map .js-plotly-plot");
    var layout = gd && gd._fullLayout;
    var sub = layout && layout.map && layout.map._subplot;
    if (!sub || !sub.map || sub.map.__sitawareClick) {
      return;
    }
    sub.map.__sitawareClick = true;
    sub.map.on("click", function (e) {
      var dc = window.dash_clientside;
      if (dc && dc.set_props) {
        dc.set_props("home-map-point", {
          data: { lon: e.lngLat.lng, lat: e.lngLat.lat, at: Date.now() },
        });
      }
    });
  }
  window.setInterval(attach, 800);
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

/* The map's relayouts that are a user's pan or zoom (they carry the new zoom), for the server;
   plotly's own ones (autosize at the first drawing, legend clicks) stay in the browser. */
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
  // a drag across the trend chart's days (it carries the x range), for the server
  trendRange: function (relayout) {
    if (relayout && typeof relayout === "object" && "xaxis.range[0]" in relayout) {
      return relayout;
    }
    return window.dash_clientside.no_update;
  },
  moved: function (relayout) {
    if (relayout && typeof relayout === "object" && "map.zoom" in relayout) {
      return relayout;
    }
    return window.dash_clientside.no_update;
  },
});
