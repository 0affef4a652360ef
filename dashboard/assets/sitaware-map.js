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
