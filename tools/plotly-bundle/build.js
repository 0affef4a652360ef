// Bundle entry.js into dashboard/vendor/plotly-sitaware.min.js (esbuild, the settings of
// plotly.js's own esbuild-config.js). Run through `make plotly-bundle`.
const path = require('path');
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');
const version = require('plotly.js/package.json').version;

esbuild
    .build({
        entryPoints: [path.join(__dirname, 'entry.js')],
        outfile: path.join(__dirname, '..', '..', 'dashboard', 'vendor', 'plotly-sitaware.min.js'),
        format: 'iife',
        globalName: 'Plotly',
        bundle: true,
        minify: true,
        sourcemap: false,
        legalComments: 'eof',
        banner: {
            js:
                '/**\n* plotly.js v' + version +
                ' (sitaware partial bundle: scatter, scattermap, choroplethmap, densitymap;' +
                ' tools/plotly-bundle)\n* Copyright 2012-2026, Plotly, Inc.\n' +
                '* All rights reserved.\n* Licensed under the MIT license\n*/'
        },
        plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
        alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
        define: { global: 'window', 'define.amd': 'false' },
        target: 'es2016',
        logLevel: 'info'
    })
    .catch(() => process.exit(1));
