-- Purpose: delete one of a person's own saved filters (never another person's).
-- Parameters: :id saved_view id; :owner app_user id
-- Columns: name (no row when nothing was deleted)
DELETE FROM saved_view WHERE id = :id AND owner_id = :owner AND kind = 'filter' RETURNING name
