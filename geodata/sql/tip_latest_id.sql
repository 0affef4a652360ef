-- Purpose: the newest tip id: the cursor a live alert feed starts from (primary key, one probe).
-- Parameters: none
-- Columns: id (0 when there is no tip)
SELECT coalesce(max(id), 0) AS id FROM tip
