-- Purpose: the provinces for pickers, ordered by Thai name.
-- Parameters: none
-- Columns: code, name_th, name_en
SELECT code, name_th, name_en FROM admin_area WHERE level = 'province' ORDER BY name_th COLLATE "th-TH-x-icu"
