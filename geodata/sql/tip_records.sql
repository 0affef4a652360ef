-- Purpose: tip records in an area, newest first, shaped by the viewer's role.
--   The free text is read only when :with_text is true; reporter fields are never read.
-- Parameters:
--   :prefix     DOPA code prefix ('' = everywhere)
--   :since      timestamptz or NULL
--   :with_text  boolean (role holds tips.text)
--   :limit      maximum rows
--   :categories text[] of categories to keep (empty = all)
--   :until timestamptz or NULL (no upper bound)
--   :statuses, :grades text[] (fragment tip_filter: status and source grade; empty = all)
-- Area and window: fragment tip_area_window.
-- Columns: id, reported_at, category, status, reliability, geo_precision, lon, lat,
--          subdistrict_code, text (NULL unless :with_text)
SELECT t.id, t.reported_at, t.category, t.status, t.reliability, t.geo_precision,
       ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat, t.subdistrict_code,
       CASE WHEN :with_text THEN t.text END AS text
FROM tip t
WHERE (cardinality(CAST(:categories AS text[])) = 0 OR t.category = ANY(CAST(:categories AS text[])))
  -- @include tip_area_window
  -- @include tip_filter
ORDER BY t.reported_at DESC, t.id DESC
LIMIT :limit
