-- Fragment tip_filter: the status and source-grade filter on a tip aliased t, included by
-- statements with a line `-- @include tip_filter` after a WHERE condition (geodata.queries).
-- Parameters (geodata.tipfilter.params):
--   :statuses text[] of tip statuses to keep, as the source wrote them (empty = all)
--   :grades   text[] of Admiralty source letters 'A'–'F' to keep, and '-' for tips without a
--             grade (reliability NULL) (empty = all)
  AND (cardinality(CAST(:statuses AS text[])) = 0 OR t.status = ANY(CAST(:statuses AS text[])))
  AND (cardinality(CAST(:grades AS text[])) = 0
       OR coalesce(left(t.reliability, 1), '-') = ANY(CAST(:grades AS text[])))
