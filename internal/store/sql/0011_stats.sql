-- The statistics (counts by status, overdue, answered, median time to first reaction) read only these columns
-- of incidents created in a period: a covering index spares reading the wide rows.
CREATE INDEX IF NOT EXISTS incidents_stats ON incidents(created_at, status, due_at, first_reaction_at);
