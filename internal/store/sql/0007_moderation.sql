ALTER TABLE regions ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE answers ADD COLUMN grades TEXT NOT NULL DEFAULT '';
ALTER TABLE answers ADD COLUMN grade_plain INTEGER;
ALTER TABLE answers ADD COLUMN grade_informative INTEGER;
ALTER TABLE answers ADD COLUMN grade_prompt INTEGER;
ALTER TABLE answers ADD COLUMN formal {{bool}};
ALTER TABLE answers ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
CREATE TABLE answer_templates (
	id {{id}},
	category TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	text TEXT NOT NULL,
	created_at {{bigint}} NOT NULL
);
CREATE INDEX answer_templates_category ON answer_templates(category);
CREATE TABLE ratings (
	id {{id}},
	token TEXT NOT NULL UNIQUE,
	answer_id {{bigint}} NOT NULL REFERENCES answers(id),
	incident_id {{bigint}} NOT NULL REFERENCES incidents(id),
	score INTEGER,
	solved {{bool}},
	comment TEXT NOT NULL DEFAULT '',
	created_at {{bigint}} NOT NULL,
	rated_at {{bigint}}
);
CREATE INDEX ratings_incident ON ratings(incident_id);
CREATE INDEX ratings_rated ON ratings(rated_at);
