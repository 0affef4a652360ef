-- Purpose: tips of an admin area in a time window, per category and per Bangkok day (one scan,
-- two grouping sets). Aggregates only. The area is matched by the tips' codes, as tip_counts.sql
-- does, so the numbers equal the map's counts for the same area and window.
-- Parameters: :prefix DOPA code (2, 4 or 6 digits); :since, :until timestamptz or NULL
--   :statuses, :grades text[] (fragment tip_filter: status and source grade; empty = all)
-- Area by code: `code >= :prefix AND code < :prefix || 'z'` lets the btree code indexes
-- serve the prefix (LIKE alone cannot under this database's collation); LIKE keeps it exact.
-- Columns: category (NULL on day rows), day (NULL on category rows), n
SELECT t.category, (t.reported_at AT TIME ZONE 'Asia/Bangkok')::date AS day, count(*) AS n
FROM tip t
WHERE ((t.subdistrict_code >= :prefix AND t.subdistrict_code < (:prefix || 'z')
        AND t.subdistrict_code LIKE :prefix || '%')
       OR (t.district_code >= :prefix AND t.district_code < (:prefix || 'z')
           AND t.district_code LIKE :prefix || '%'))
  AND (CAST(:since AS timestamptz) IS NULL OR t.reported_at >= :since)
  AND (CAST(:until AS timestamptz) IS NULL OR t.reported_at < :until)
  -- @include tip_filter
GROUP BY GROUPING SETS ((1), (2))
