// The plotly.js the dashboard serves: the core (with scatter, for the trend chart) and the
// three map traces the pages draw. tools/plotly-bundle/build.js bundles it.
'use strict';
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/scattermap'),
    require('plotly.js/lib/choroplethmap'),
    require('plotly.js/lib/densitymap')
]);

module.exports = Plotly;
