-- IF NOT EXISTS: this file may land before 0008, so it must survive being applied twice under shifted versions.
-- Dashboards and ratings aggregate the incidents received in a period (optionally in one territory). These
-- covering indexes let every aggregate read the index alone, never the wide incident rows.
CREATE INDEX IF NOT EXISTS incidents_dash ON incidents(created_at, territory_id, status, category_id, executor_id, first_reaction_at, reaction_due, due_at);
CREATE INDEX IF NOT EXISTS incidents_dash_territory ON incidents(territory_id, created_at, status, category_id, executor_id, first_reaction_at, reaction_due, due_at);
-- Answers per day: first reactions given in a period.
CREATE INDEX IF NOT EXISTS incidents_reaction ON incidents(first_reaction_at, territory_id, status);
-- Grades and formal flags of the answers of those incidents.
CREATE INDEX IF NOT EXISTS answers_dash ON answers(incident_id, state, formal, grade_plain, grade_informative, submitted_at, executor_id);
-- Answers a moderator returned.
CREATE INDEX IF NOT EXISTS events_type_answer ON events(type, answer_id);
