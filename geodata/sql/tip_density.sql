-- Purpose: tip counts per grid cell, for a heat layer. Cells, never records: every role with
-- tips.aggregate may see it. The point returned is the cell's centre, not any tip's position.
-- Parameters:
--   :prefix    DOPA code prefix ('' = everywhere)
--   :since     timestamptz or NULL (all time)
--   :cell_deg  cell size in degrees (0.005 ≈ 550 m)
-- Columns: lon, lat (cell centre), n
SELECT (floor(ST_X(t.geom) / :cell_deg) + 0.5) * :cell_deg AS lon,
       (floor(ST_Y(t.geom) / :cell_deg) + 0.5) * :cell_deg AS lat,
       count(*) AS n
FROM tip t
WHERE t.geom IS NOT NULL
  AND (:prefix = '' OR t.subdistrict_code LIKE :prefix || '%' OR t.district_code LIKE :prefix || '%')
  AND (CAST(:since AS timestamptz) IS NULL OR t.reported_at >= :since)
GROUP BY 1, 2
