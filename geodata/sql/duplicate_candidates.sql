-- Purpose: pairs of records from different sources lying within :radius_m metres of each other
-- (candidates for being the same place; names are compared by the caller).
-- Parameters: :radius_m  metres
-- Columns: a_id, b_id, a_source, b_source, a_name_th, a_name_en, b_name_th, b_name_en, metres
-- The table name is substituted from an allow-list (lodging_site | venue) by the caller.
SELECT a.id AS a_id, b.id AS b_id, a.source AS a_source, b.source AS b_source,
       a.name_th AS a_name_th, a.name_en AS a_name_en, b.name_th AS b_name_th,
       b.name_en AS b_name_en, ST_Distance(a.geom::geography, b.geom::geography) AS metres
FROM {table} a
JOIN {table} b
  ON a.id < b.id
 AND a.source <> b.source
 AND ST_DWithin(a.geom::geography, b.geom::geography, :radius_m)
WHERE a.geom IS NOT NULL AND b.geom IS NOT NULL
