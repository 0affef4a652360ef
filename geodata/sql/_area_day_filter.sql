-- Fragment area_day_filter: the category, status and source-grade filter on a tip_area_day row
-- aliased a, included by statements with a line `-- @include area_day_filter` after a WHERE
-- condition (geodata.queries); the same choices as tip_filter and the category clause make on
-- a tip.
-- Parameters:
--   :categories text[] of categories to keep (empty = all)
--   :statuses   text[] of tip statuses to keep, as the source wrote them (empty = all)
--   :grades     text[] of Admiralty source letters 'A'–'F', '-' for no grade (empty = all)
  AND (cardinality(CAST(:categories AS text[])) = 0
       OR a.category = ANY(CAST(:categories AS text[])))
  AND (cardinality(CAST(:statuses AS text[])) = 0
       OR a.status = ANY(CAST(:statuses AS text[])))
  AND (cardinality(CAST(:grades AS text[])) = 0 OR a.grade = ANY(CAST(:grades AS text[])))
