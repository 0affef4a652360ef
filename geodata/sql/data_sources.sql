-- Purpose: attribution of every loaded layer, for the map footer and reports.
-- Parameters: none
-- Columns: code, layer, name, licence, attribution, version, loaded_at
SELECT code, layer, name, licence, attribution, version, loaded_at
FROM data_source
ORDER BY layer, code
