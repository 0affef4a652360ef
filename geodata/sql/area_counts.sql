-- Purpose: tips per admin unit of one level under a code prefix, for a choropleth. A tip
-- belongs to a unit by its codes, as in tip_counts.sql (subdistrict code, else district code).
-- Reads only the covering time index (tip_reported_at_idx) when :since is given.
-- Parameters: :len code length of the level (2, 4 or 6); :prefix DOPA code prefix ('' = all);
--   :since, :until timestamptz or NULL (until excluded); :categories text[] (empty = all)
--   :statuses, :grades text[] (fragment tip_filter: status and source grade; empty = all)
-- Area by code: `code >= :prefix AND code < :prefix || 'z'` lets the btree code indexes
-- serve the prefix (LIKE alone cannot under this database's collation); LIKE keeps it exact.
-- Columns: code, n
SELECT c.code, count(*) AS n
FROM (
    SELECT left(coalesce(t.subdistrict_code, t.district_code), :len) AS code
    FROM tip t
    WHERE (CAST(:since AS timestamptz) IS NULL OR t.reported_at >= :since)
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
GROUP BY c.code
ORDER BY c.code
