-- Purpose: tip counts per grid cell over all time, from tip_cell's period 0 (migration 0015):
-- the heat of a window without a start or an end, one stored row per cell (and category).
-- Parameters:
--   :lvl                 tip_cell level with all-time rows (geodata.tips.LEVELS)
--   :k                   cells of the level per output cell (an integer)
--   :cell_deg            output cell size in degrees (the level's size * :k)
--   :x0, :x1, :y0, :y1   the level's cell index range of the viewport
--   :cats                categories to keep (text[], empty = all; only levels by category)
-- Columns: lon, lat (output cell centre), n
SELECT CAST((floor(c.cx / CAST(:k AS float8)) + 0.5) * :cell_deg AS float8) AS lon,
       CAST((floor(c.cy / CAST(:k AS float8)) + 0.5) * :cell_deg AS float8) AS lat,
       CAST(sum(c.n) AS bigint) AS n
FROM tip_cell_counts c
WHERE c.lvl = :lvl AND c.period = 0 AND c.start = DATE '2000-01-03'
  AND c.cx BETWEEN :x0 AND :x1 AND c.cy BETWEEN :y0 AND :y1
  AND (cardinality(CAST(:cats AS text[])) = 0 OR c.category = ANY(CAST(:cats AS text[])))
GROUP BY floor(c.cx / CAST(:k AS float8)), floor(c.cy / CAST(:k AS float8))
HAVING sum(c.n) > 0
