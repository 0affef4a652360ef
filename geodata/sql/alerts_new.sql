-- Purpose: new tips that match a geofence rule: a category pattern, and a venue of at least the
-- rule's sensitivity within the rule's distance. The first rule (in the configured order) that
-- matches a tip gives its priority; the venue is the nearest one that satisfies that rule.
-- Only tips located to a point or a street are considered. Never the tip's text or reporter.
-- Looks at the newest :scan tips after :after_id (a live feed, not a search), via the primary
-- key; venues come from the geometry index inside a degree box, then metres on the sphere.
-- Parameters:
--   :rules jsonb array of {rule_no, name, patterns (ILIKE patterns), min_sensitivity,
--          distance_m, deg (box half-size in degrees ≥ distance_m), priority}
--   :after_id bigint; :since timestamptz or NULL; :scan, :limit rows
-- Columns: tip_id, reported_at, category, geo_precision, rule, priority, venue_id, name_th,
--   name_en, venue_category, sensitivity, metres
WITH rule AS (
    SELECT r.*
    FROM jsonb_to_recordset(CAST(:rules AS jsonb)) AS r(
        rule_no int, name text, patterns text[], min_sensitivity int, distance_m float8,
        deg float8, priority text)
),
cand AS (
    SELECT t.id, t.reported_at, t.category, t.geo_precision, t.geom
    FROM tip t
    WHERE t.id > :after_id AND t.geom IS NOT NULL AND t.geo_precision IN ('point', 'street')
      AND (CAST(:since AS timestamptz) IS NULL OR t.reported_at >= :since)
    ORDER BY t.id DESC
    LIMIT :scan
),
hit AS (
    SELECT c.id AS tip_id, c.reported_at, c.category, c.geo_precision, m.*
    FROM cand c
    CROSS JOIN LATERAL (
        SELECT r.name AS rule, r.priority, nv.*
        FROM rule r
        CROSS JOIN LATERAL (
            SELECT v.id AS venue_id, v.name_th, v.name_en, v.category AS venue_category,
                   v.sensitivity,
                   ST_Distance(v.geom::geography, c.geom::geography, false) AS metres
            FROM venue v
            WHERE v.sensitivity >= r.min_sensitivity
              AND v.geom && ST_Expand(c.geom, r.deg)
              AND ST_Distance(v.geom::geography, c.geom::geography, false) <= r.distance_m
            ORDER BY metres, v.id
            LIMIT 1
        ) nv
        WHERE EXISTS (
            SELECT 1
            FROM unnest(r.patterns) AS p(pattern)
            CROSS JOIN LATERAL unnest(array_append(string_to_array(c.category, ','), c.category))
                AS l(label)
            WHERE btrim(l.label) ILIKE p.pattern
        )
        ORDER BY r.rule_no
        LIMIT 1
    ) m
    ORDER BY c.id DESC
    LIMIT :limit
)
SELECT tip_id, reported_at, category, geo_precision, rule, priority, venue_id, name_th, name_en,
       venue_category, sensitivity, metres
FROM hit
ORDER BY tip_id DESC
