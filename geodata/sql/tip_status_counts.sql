-- Purpose: number of tips per status in an area and time window (aggregates only): the choices
-- of the map's status filter, most frequent first.
-- Parameters:
--   :prefix  DOPA code prefix of the area ('' = everywhere)
--   :since   timestamptz or NULL (no lower bound); :until timestamptz or NULL
-- Area and window: fragment tip_area_window.
-- Columns: status, n
SELECT t.status, count(*) AS n
FROM tip t
WHERE TRUE
  -- @include tip_area_window
GROUP BY t.status
ORDER BY n DESC, t.status
