-- The legal term of an appeal to the internet reception (59-FZ: 30 days from registration, one extension of up to
-- 30 days), and when it was extended. Incidents from before this migration get their term when a change next
-- applies their clocks.
ALTER TABLE incidents ADD COLUMN legal_due {{bigint}};
ALTER TABLE incidents ADD COLUMN legal_extended_at {{bigint}};
