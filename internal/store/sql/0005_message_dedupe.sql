ALTER TABLE messages ADD COLUMN text_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX messages_author_text ON messages(source, author_id, text_hash);
