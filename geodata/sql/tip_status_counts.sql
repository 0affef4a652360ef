-- Purpose: number of tips per status in an area and time window (aggregates only): the choices
-- of the map's status filter, most frequent first.
-- Parameters:
--   :prefix  DOPA code prefix of the area ('' = everywhere)
--   :since   timestamptz or NULL (no lower bound); :until timestamptz or NULL
-- The code range next to LIKE lets the btree code indexes serve the prefix (LIKE alone
-- cannot under this database's collation).
-- Columns: status, n
SELECT t.status, count(*) AS n
FROM tip t
WHERE (:prefix = ''
       OR (t.subdistrict_code >= :prefix AND t.subdistrict_code < (:prefix || 'z')
           AND t.subdistrict_code LIKE :prefix || '%')
       OR (t.district_code >= :prefix AND t.district_code < (:prefix || 'z')
           AND t.district_code LIKE :prefix || '%'))
  AND (CAST(:since AS timestamptz) IS NULL OR t.reported_at >= :since)
  AND (CAST(:until AS timestamptz) IS NULL OR t.reported_at < :until)
GROUP BY t.status
ORDER BY n DESC, t.status
