-- Purpose: how many saved views of one kind a person has, besides the one named (a cap).
-- Parameters: :owner app_user id; :kind 'filter' | 'report_area'; :name
-- Columns: n
SELECT count(*) AS n FROM saved_view WHERE owner_id = :owner AND kind = :kind AND name <> :name
