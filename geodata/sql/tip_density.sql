-- Purpose: tip counts per grid cell, for a heat layer. Cells, never records: every role with
-- tips.aggregate may see it. The point returned is the cell's centre, not any tip's position.
-- Raw path (an area filter, a status or grade filter, or a cell size tip_cell does not
-- hold); see tip_density_cells.
-- Parameters:
--   :prefix    DOPA code prefix ('' = everywhere)
--   :since     timestamptz or NULL (all time); :until timestamptz or NULL (no upper bound)
--   :cell_deg  cell size in degrees (0.005 ≈ 550 m)
--   :x0, :x1, :y0, :y1  cell index range of the viewport (floor(lon / cell_deg) …)
--   :statuses, :grades text[] (fragment tip_filter: status and source grade; empty = all)
-- Columns: lon, lat (cell centre), n
SELECT CAST((c.cx + 0.5) * :cell_deg AS float8) AS lon,
       CAST((c.cy + 0.5) * :cell_deg AS float8) AS lat, count(*) AS n
FROM (
    SELECT floor(ST_X(t.geom) / :cell_deg) AS cx, floor(ST_Y(t.geom) / :cell_deg) AS cy
    FROM tip t
    WHERE t.geom IS NOT NULL
      AND (:prefix = '' OR t.subdistrict_code LIKE :prefix || '%' OR t.district_code LIKE :prefix || '%')
      AND (CAST(:since AS timestamptz) IS NULL OR t.reported_at >= :since)
      AND (CAST(:until AS timestamptz) IS NULL OR t.reported_at < :until)
      -- @include tip_filter
) c
WHERE c.cx BETWEEN :x0 AND :x1 AND c.cy BETWEEN :y0 AND :y1
GROUP BY c.cx, c.cy
