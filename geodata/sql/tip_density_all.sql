-- Purpose: tip counts per grid cell over the whole country (tip_density without an area: a
-- statement of its own, so that a prepared plan for one never serves the other).
-- Parameters: :since timestamptz or NULL; :cell_deg cell size in degrees
-- Columns: lon, lat (cell centre), n
SELECT (floor(ST_X(t.geom) / :cell_deg) + 0.5) * :cell_deg AS lon,
       (floor(ST_Y(t.geom) / :cell_deg) + 0.5) * :cell_deg AS lat,
       count(*) AS n
FROM tip t
WHERE t.geom IS NOT NULL
  AND (CAST(:since AS timestamptz) IS NULL OR t.reported_at >= :since)
GROUP BY 1, 2
