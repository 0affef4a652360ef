-- Purpose: tip counts per grid cell from the pre-aggregated tip_cell table (migration 0010):
-- whole weeks and whole Bangkok days from tip_cell, the partial days at either end of the
-- window from tip itself (its covering time index), so the answer is exact.
-- Parameters:
--   :lvl                 tip_cell level (geodata.tips.LEVELS)
--   :cell_l              that level's cell size in degrees (the stored grid)
--   :k                   cells of the level per output cell (an integer)
--   :cell_deg            output cell size in degrees (= :cell_l * :k)
--   :d1, :w1, :w2, :d2   dates: days [d1, w1) and [w2, d2), weeks [w1, w2)
--   :h0, :h1, :t0, :t1   timestamptz (or NULL): raw spans [h0, h1) and [t0, t1)
--   :x0, :x1, :y0, :y1   the level's cell index range of the viewport
--   :cats                categories to keep (text[], empty = all; only levels by category)
-- Columns: lon, lat (output cell centre), n
WITH parts AS (
    SELECT c.cx, c.cy, c.n FROM tip_cell_counts c
    WHERE c.lvl = :lvl AND c.period = 1 AND c.start >= :d1 AND c.start < :w1
      AND c.cx BETWEEN :x0 AND :x1 AND c.cy BETWEEN :y0 AND :y1
      AND (cardinality(CAST(:cats AS text[])) = 0 OR c.category = ANY(CAST(:cats AS text[])))
    UNION ALL
    SELECT c.cx, c.cy, c.n FROM tip_cell_counts c
    WHERE c.lvl = :lvl AND c.period = 7 AND c.start >= :w1 AND c.start < :w2
      AND c.cx BETWEEN :x0 AND :x1 AND c.cy BETWEEN :y0 AND :y1
      AND (cardinality(CAST(:cats AS text[])) = 0 OR c.category = ANY(CAST(:cats AS text[])))
    UNION ALL
    SELECT c.cx, c.cy, c.n FROM tip_cell_counts c
    WHERE c.lvl = :lvl AND c.period = 1 AND c.start >= :w2 AND c.start < :d2
      AND c.cx BETWEEN :x0 AND :x1 AND c.cy BETWEEN :y0 AND :y1
      AND (cardinality(CAST(:cats AS text[])) = 0 OR c.category = ANY(CAST(:cats AS text[])))
    UNION ALL
    SELECT r.cx, r.cy, 1 FROM (
        SELECT floor(ST_X(t.geom) / :cell_l)::int AS cx, floor(ST_Y(t.geom) / :cell_l)::int AS cy
        FROM tip t
        WHERE t.geom IS NOT NULL
          AND (cardinality(CAST(:cats AS text[])) = 0 OR t.category = ANY(CAST(:cats AS text[])))
          AND ((t.reported_at >= :h0 AND t.reported_at < :h1)
               OR (t.reported_at >= :t0 AND t.reported_at < :t1))
    ) r
    WHERE r.cx BETWEEN :x0 AND :x1 AND r.cy BETWEEN :y0 AND :y1
)
SELECT CAST((floor(cx / CAST(:k AS float8)) + 0.5) * :cell_deg AS float8) AS lon,
       CAST((floor(cy / CAST(:k AS float8)) + 0.5) * :cell_deg AS float8) AS lat,
       CAST(sum(n) AS bigint) AS n
FROM parts
GROUP BY floor(cx / CAST(:k AS float8)), floor(cy / CAST(:k AS float8))
HAVING sum(n) > 0
