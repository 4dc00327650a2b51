package store

import (
	"context"
	"fmt"
)

// The operator's triage queue shows, for a page of incidents, each one's first message and what the system made
// of it when the incident was opened (the "created" event's data). These read a page of incidents at once, in a
// fixed number of queries, where the per-incident methods would make one query per row.

// FirstMessage is what the triage queue shows of an incident's first message.
type FirstMessage struct {
	Source string `json:"source"`
	Author string `json:"author"`
	URL    string `json:"url"`
	Text   string `json:"text"`
}

// triageChunk bounds the ids of one IN list (both databases accept far more; this keeps statements small).
const triageChunk = 500

// FirstMessages returns the first message (the lowest id) of each of the incidents, by incident id; incidents
// without messages are absent. One query per 500 ids.
func (s *Store) FirstMessages(ctx context.Context, incidentIDs []int64) (map[int64]FirstMessage, error) {
	out := make(map[int64]FirstMessage, len(incidentIDs))
	for ids := range triageChunks(incidentIDs, triageChunk) {
		q := `SELECT m.incident_id, m.source, m.author, m.url, m.text FROM messages m
			WHERE m.id IN (SELECT MIN(id) FROM messages WHERE incident_id IN (` + marks(len(ids)) + `) GROUP BY incident_id)`
		rows, err := s.db.QueryContext(ctx, s.d.rebind(q), triageArgs(ids)...)
		if err != nil {
			return nil, fmt.Errorf("store: first messages: %w", err)
		}
		err = scanAll(rows, func(sc func(...any) error) error {
			var id int64
			var m FirstMessage
			if err := sc(&id, &m.Source, &m.Author, &m.URL, &m.Text); err != nil {
				return err
			}
			out[id] = m
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("store: first messages: %w", err)
		}
	}
	return out, nil
}

// CreatedEventData returns the data (JSON, as recorded) of each incident's "created" event, by incident id;
// incidents without one, or with empty data, are absent. One query per 500 ids.
func (s *Store) CreatedEventData(ctx context.Context, incidentIDs []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(incidentIDs))
	for ids := range triageChunks(incidentIDs, triageChunk) {
		q := `SELECT incident_id, data FROM events WHERE type = 'created' AND incident_id IN (` + marks(len(ids)) + `) ORDER BY id`
		rows, err := s.db.QueryContext(ctx, s.d.rebind(q), triageArgs(ids)...)
		if err != nil {
			return nil, fmt.Errorf("store: created events: %w", err)
		}
		err = scanAll(rows, func(sc func(...any) error) error {
			var id int64
			var data string
			if err := sc(&id, &data); err != nil {
				return err
			}
			if data != "" {
				if _, ok := out[id]; !ok { // the first one recorded, should there ever be two
					out[id] = data
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("store: created events: %w", err)
		}
	}
	return out, nil
}

// NewIncidentIDs lists the ids of incidents waiting for triage (status new) above after, lowest first, at most
// limit of them: the live queue sends a burst over several polls, oldest first (one query).
func (s *Store) NewIncidentIDs(ctx context.Context, after int64, limit int) ([]int64, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.QueryContext(ctx, s.d.rebind(fmt.Sprintf(`SELECT id FROM incidents WHERE status = 'new' AND id > ? ORDER BY id LIMIT %d`, limit)), after)
	if err != nil {
		return nil, fmt.Errorf("store: new incidents: %w", err)
	}
	var out []int64
	err = scanAll(rows, func(sc func(...any) error) error {
		var id int64
		if err := sc(&id); err != nil {
			return err
		}
		out = append(out, id)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: new incidents: %w", err)
	}
	return out, nil
}

// triageChunks yields ids in runs of at most n.
func triageChunks(ids []int64, n int) func(func([]int64) bool) {
	return func(yield func([]int64) bool) {
		for i := 0; i < len(ids); i += n {
			if !yield(ids[i:min(i+n, len(ids))]) {
				return
			}
		}
	}
}

func triageArgs(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
