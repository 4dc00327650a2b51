-- The topic of an incident's category, kept on the incident so that a list filtered by topic (a topic brings
-- all its subtopics) walks one index in creation order instead of merging and sorting many category ranges.
ALTER TABLE incidents ADD COLUMN topic_id {{bigint}};
UPDATE incidents SET topic_id = COALESCE(
	(SELECT t.id FROM categories c JOIN categories t ON t.code = c.parent_code WHERE c.id = incidents.category_id),
	category_id);
CREATE INDEX incidents_topic_created ON incidents(topic_id, created_at, id);
CREATE INDEX incidents_topic_status_created ON incidents(topic_id, status, created_at, id);
