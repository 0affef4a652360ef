-- Purpose: tips within a radius of any venue of some categories, in a time window: how many,
-- per category, per 0.005° cell, and (for roles with tips.records) the newest ones with their
-- nearest such venue. Only tips located to a point or a street count: a tip placed at a
-- subdistrict's centre is near nothing in particular.
-- Venue–tip pairs are found with a degree box on either table's geometry index (the planner
-- picks the side), then metres on the sphere.
-- Parameters:
--   :radius_m metres; :deg box half-size in degrees (≥ the radius anywhere in Thailand)
--   :venue_categories, :tip_categories text[] (empty = all)
--   :prefix DOPA code prefix of the tips' area ('' = everywhere)
--   :since, :until timestamptz or NULL (until excluded); :cell_deg grid cell in degrees
--   :with_records boolean; :n_records rows
--   :statuses, :grades text[] (fragment tip_filter: status and source grade; empty = all)
-- Area and window: fragment tip_area_window.
-- Columns: total, by_category (json [[category, n], …]), cells (json [[lon, lat, n], …]),
--   records (json or NULL: id, reported_at, category, status, reliability, geo_precision, lon,
--   lat, venue_id, venue_name_th, venue_name_en, venue_category, metres)
WITH hit AS MATERIALIZED (
    SELECT t.id, t.reported_at, t.category, t.status, t.reliability, t.geo_precision, t.geom
    FROM tip t
    WHERE t.geom IS NOT NULL AND t.geo_precision IN ('point', 'street')
      AND (cardinality(CAST(:tip_categories AS text[])) = 0
           OR t.category = ANY(CAST(:tip_categories AS text[])))
      -- @include tip_filter
      -- @include tip_area_window
      AND EXISTS (
          SELECT 1 FROM venue v
          WHERE (cardinality(CAST(:venue_categories AS text[])) = 0
                 OR v.category = ANY(CAST(:venue_categories AS text[])))
            AND t.geom && ST_Expand(v.geom, :deg) AND v.geom && ST_Expand(t.geom, :deg)
            AND ST_Distance(v.geom::geography, t.geom::geography, false) <= :radius_m
      )
),
newest AS (
    SELECT h.*, nv.*
    FROM (SELECT * FROM hit WHERE :with_records ORDER BY reported_at DESC, id DESC
          LIMIT :n_records) h
    CROSS JOIN LATERAL (
        SELECT v.id AS venue_id, v.name_th AS venue_name_th, v.name_en AS venue_name_en,
               v.category AS venue_category,
               ST_Distance(v.geom::geography, h.geom::geography, false) AS metres
        FROM venue v
        WHERE (cardinality(CAST(:venue_categories AS text[])) = 0
               OR v.category = ANY(CAST(:venue_categories AS text[])))
          AND v.geom && ST_Expand(h.geom, :deg)
          AND ST_DWithin(v.geom::geography, h.geom::geography, :radius_m, false)
        ORDER BY metres, v.id
        LIMIT 1
    ) nv
)
SELECT
    (SELECT count(*) FROM hit) AS total,
    (SELECT coalesce(json_agg(json_build_array(category, n) ORDER BY n DESC, category), '[]')
     FROM (SELECT category, count(*) AS n FROM hit GROUP BY category) c) AS by_category,
    (SELECT coalesce(json_agg(json_build_array(lon, lat, n) ORDER BY lon, lat), '[]')
     FROM (SELECT (floor(ST_X(geom) / :cell_deg) + 0.5) * :cell_deg AS lon,
                  (floor(ST_Y(geom) / :cell_deg) + 0.5) * :cell_deg AS lat, count(*) AS n
           FROM hit GROUP BY 1, 2) g) AS cells,
    (SELECT json_agg(json_build_object(
                'id', id, 'reported_at', reported_at, 'category', category, 'status', status,
                'reliability', reliability, 'geo_precision', geo_precision,
                'lon', ST_X(geom), 'lat', ST_Y(geom), 'venue_id', venue_id,
                'venue_name_th', venue_name_th, 'venue_name_en', venue_name_en,
                'venue_category', venue_category, 'metres', round(metres::numeric, 1))
            ORDER BY reported_at DESC, id DESC)
     FROM newest WHERE :with_records) AS records
