-- Fragment tip_area_window: a tip aliased t in an area and a time window, included by
-- statements with a line `-- @include tip_area_window` after a WHERE condition
-- (geodata.queries).
-- Parameters:
--   :prefix  DOPA code prefix of the area ('' = everywhere; '10' Bangkok; '1001' Phra Nakhon)
--   :since   timestamptz or NULL (no lower bound); :until timestamptz or NULL (excluded)
-- The code range next to LIKE lets the btree code indexes serve the prefix (LIKE alone
-- cannot under this database's collation).
  AND (:prefix = ''
       OR (t.subdistrict_code >= :prefix AND t.subdistrict_code < (:prefix || 'z')
           AND t.subdistrict_code LIKE :prefix || '%')
       OR (t.district_code >= :prefix AND t.district_code < (:prefix || 'z')
           AND t.district_code LIKE :prefix || '%'))
  AND (CAST(:since AS timestamptz) IS NULL OR t.reported_at >= :since)
  AND (CAST(:until AS timestamptz) IS NULL OR t.reported_at < :until)
