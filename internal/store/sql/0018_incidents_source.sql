-- Lists of one source's incidents, newest first (Open311's public GET requests lists the requests made through it).
CREATE INDEX incidents_source_created ON incidents(source, created_at, id);
