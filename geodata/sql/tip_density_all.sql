-- Purpose: tip counts per grid cell over the whole country (tip_density without an area: a
-- statement of its own, so that a prepared plan for one never serves the other). Raw path:
-- a status or grade filter, or a cell size tip_cell does not hold.
-- Parameters: :since, :until timestamptz or NULL; :cell_deg cell size in degrees;
--   :x0, :x1, :y0, :y1 cell index range of the viewport
--   :statuses, :grades text[] (fragment tip_filter: status and source grade; empty = all)
-- Columns: lon, lat (cell centre), n
SELECT CAST((c.cx + 0.5) * :cell_deg AS float8) AS lon,
       CAST((c.cy + 0.5) * :cell_deg AS float8) AS lat, count(*) AS n
FROM (
    SELECT floor(ST_X(t.geom) / :cell_deg) AS cx, floor(ST_Y(t.geom) / :cell_deg) AS cy
    FROM tip t
    WHERE t.geom IS NOT NULL
      AND (CAST(:since AS timestamptz) IS NULL OR t.reported_at >= :since)
      AND (CAST(:until AS timestamptz) IS NULL OR t.reported_at < :until)
      -- @include tip_filter
) c
WHERE c.cx BETWEEN :x0 AND :x1 AND c.cy BETWEEN :y0 AND :y1
GROUP BY c.cx, c.cy
