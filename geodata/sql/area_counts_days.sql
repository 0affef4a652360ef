-- Purpose: tips per admin unit of one level under a code prefix, for a choropleth, as
-- area_counts.sql, from tip_area_day (migration 0012): whole Bangkok days from the aggregate,
-- the partial days at either end of the window from tip itself (exact). Serves the province
-- level (:lvl 0) and the district level (:lvl 1) under any shorter prefix
-- (geodata.areas.area_counts). A tip belongs to a unit by its codes (subdistrict code, else
-- district code), which is the code tip_area_day keeps.
-- Parameters: :lvl tip_area_day level (0 province, 1 district); :len code length of the level
--   (2 or 4); :prefix DOPA code prefix ('' = all); :since, :until timestamptz or NULL
--   (until excluded); :categories text[] (empty = all)
--   :d1, :d2 dates: whole Bangkok days [d1, d2) read from tip_area_day
--   :h0, :h1, :t0, :t1 timestamptz (or NULL): the partial days [h0, h1) and [t0, t1) from tip
--   :statuses, :grades text[] (fragment tip_filter: status and source grade; empty = all)
-- Area by code: `code >= :prefix AND code < :prefix || 'z'` lets the btree indexes serve the
-- prefix (LIKE alone cannot under this database's collation); LIKE keeps it exact.
-- Whole days: fragment area_day_filter.
-- Columns: code, n
WITH parts AS (
    SELECT a.code, a.n
    FROM tip_area_day_counts a
    WHERE a.lvl = :lvl
      AND a.code >= :prefix AND a.code < (:prefix || 'z') AND a.code LIKE :prefix || '%'
      AND length(a.code) = :len
      AND a.day >= :d1 AND a.day < :d2
      -- @include area_day_filter
    UNION ALL
    SELECT c.code, 1
    FROM (
        SELECT left(coalesce(t.subdistrict_code, t.district_code), :len) AS code
        FROM tip t
        WHERE ((t.reported_at >= :h0 AND t.reported_at < :h1)
               OR (t.reported_at >= :t0 AND t.reported_at < :t1))
          AND (CAST(:since AS timestamptz) IS NULL OR t.reported_at >= :since)
          AND (CAST(:until AS timestamptz) IS NULL OR t.reported_at < :until)
          AND (cardinality(CAST(:categories AS text[])) = 0
               OR t.category = ANY(CAST(:categories AS text[])))
          -- @include tip_filter
          AND ((t.subdistrict_code >= :prefix AND t.subdistrict_code < (:prefix || 'z')
                AND t.subdistrict_code LIKE :prefix || '%')
               OR (t.district_code >= :prefix AND t.district_code < (:prefix || 'z')
                   AND t.district_code LIKE :prefix || '%'))
    ) c
    WHERE length(c.code) = :len
)
SELECT code, CAST(sum(n) AS bigint) AS n
FROM parts
GROUP BY code
HAVING sum(n) > 0
ORDER BY code
