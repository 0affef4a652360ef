-- Purpose: a stamp of the data the geocoder answers from besides its in-memory gazetteer:
-- outlines (reverse geocoding), code changes, named roads (street level) and reviewed answers.
-- Any write to them changes it, so the ETL re-processes rows it would skip as unchanged.
-- Times as epoch seconds: the stamp does not depend on the session's TimeZone.
-- Columns: stamp
SELECT concat_ws('|',
    (SELECT count(*) || ':' || coalesce(extract(epoch FROM max(updated_at))::text, '')
       FROM admin_area),
    (SELECT count(*) FROM admin_area_change),
    (SELECT count(*) || ':' || coalesce(extract(epoch FROM max(updated_at))::text, '')
       FROM road),
    (SELECT count(*) || ':' || coalesce(extract(epoch FROM max(updated_at))::text, '')
       FROM geocode_cache WHERE review_status IN ('accepted', 'moved', 'rejected'))
) AS stamp
