package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/search"
)

// Ingest stores a batch of messages in one transaction: each new message opens or joins an incident, each
// message already known (same source and external id) is reported as a duplicate and changes nothing. When
// Ingest returns nil every message of the batch is durable.
//
// The batch is written with a fixed handful of statements whatever its size: one look-up of known external ids
// and one of repeated texts per source (per 500), the numbers reserved in one step, then multi-row inserts of
// the incidents, the messages, the search terms and the events, and one update of the incidents that messages
// join. Everything is decided in memory in between, in the order of the items, so the outcome is the same as
// if the items had been stored one by one.
func (s *Store) Ingest(ctx context.Context, items []IngestItem) ([]IngestResult, error) {
	out := make([]IngestResult, len(items))
	err := s.WithTx(ctx, func(tx *Tx) error {
		b := &ingestBatch{tx: tx, items: items, out: out, plans: make([]ingestPlan, len(items))}
		return b.run(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("store: ingest: %w", err)
	}
	s.refreshStatistics(ctx, len(items))
	return out, nil
}

// refreshStatistics runs Optimize on PostgreSQL each time the messages Ingest wrote since the last time reach
// half as many as there were then (and at least 20,000): during a bulk load from empty the planner would
// otherwise keep the estimates of a small table — or none, where autovacuum is off — and look known
// messages up by source alone, reading every message of the source for each batch (ingest fell to a fifth of
// its speed by 300,000 messages).
//
// Best effort: the batch is stored whatever becomes of the refresh, and a failed one is tried again next time.
func (s *Store) refreshStatistics(ctx context.Context, n int) {
	if s.d.name != "postgres" {
		return
	}
	s.growMu.Lock()
	s.grown += int64(n)
	due := s.grown >= max(20_000, s.analyzed/2)
	if due {
		s.analyzed += s.grown
		s.grown = 0
	}
	s.growMu.Unlock()
	if !due {
		return
	}
	_ = s.Optimize(ctx) // only the planner's estimates are at stake
}

// ingestAction is what one item of a batch does.
type ingestAction uint8

const (
	actFinal       ingestAction = iota // the result is known already: a re-delivery or a repeat of a stored message
	actSame                            // the same message as an earlier item of the batch (ref): its result, flagged
	actOpen                            // a new message opening the item's Incident
	actJoin                            // a new message joining the stored incident JoinIncident
	actJoinItem                        // a new message joining the incident of an earlier item (ref)
	actPlain                           // a new message without an incident
	actEdit                            // an edit of a stored message
	actEditPending                     // an edit of a message an earlier item of the batch inserts (ref)
)

type ingestPlan struct {
	act    ingestAction
	ref    int
	repeat bool // for actSame: a repeat of the same author's text (else a re-delivery of the same external id)
	hash   string
	att    string
	// incident is the incident the message belongs to once decided: a stored one (id) or one this batch opens
	// (opener: the index of the item that opens it, or -1).
	incident int64
	opener   int
}

type ingestBatch struct {
	tx     *Tx
	items  []IngestItem
	out    []IngestResult
	plans  []ingestPlan
	known  map[string]IngestResult // source + external id → the stored message
	events []model.Event

	// Search terms, as term, incident id pairs: those of incidents this batch opens are new rows, kept distinct
	// here and inserted plainly; those of stored incidents may exist already and are inserted with ON CONFLICT
	// (which costs PostgreSQL a speculative insertion per row).
	terms, storedTerms []any
	opened             map[int64][]string        // incidents this batch opens → their first text's terms
	openedSets         map[int64]map[string]bool // … and, once a second text joins, all their terms so far
}

func msgKey(source, externalID string) string { return source + "\x00" + externalID }

func (b *ingestBatch) run(ctx context.Context) error {
	for i, it := range b.items {
		if b.plans[i].hash = it.TextHash; it.TextHash == "" {
			b.plans[i].hash = TextHash(it.Message.Text)
		}
	}
	known, err := b.tx.knownMessages(ctx, b.items)
	if err != nil {
		return err
	}
	b.known = known
	stored, err := b.tx.storedRepeats(ctx, b.items, b.plans, known)
	if err != nil {
		return err
	}
	if err := b.decide(stored); err != nil {
		return err
	}
	if err := b.openIncidents(ctx); err != nil {
		return err
	}
	joined, err := b.joinIncidents(ctx)
	if err != nil {
		return err
	}
	if err := b.insertMessages(ctx, joined); err != nil {
		return err
	}
	if err := b.applyEdits(ctx); err != nil {
		return err
	}
	return b.flush(ctx)
}

// decide works out, in item order and without touching the database, what each item does.
func (b *ingestBatch) decide(stored map[string][]storedMessage) error {
	inserts := map[string]int{} // source + external id → the item of this batch that inserts it
	repeats := map[string]int{} // source + author + text hash → the item of this batch that inserts it
	for i, it := range b.items {
		m := it.Message
		p := &b.plans[i]
		p.opener = -1
		p.att = "[]"
		if len(m.Attachments) > 0 {
			a, _ := json.Marshal(m.Attachments)
			p.att = string(a)
		}
		key := msgKey(m.Source, m.ExternalID)
		if r, ok := b.known[key]; ok {
			if m.Edited {
				p.act = actEdit
				r.Duplicate, r.Edited = false, true
			} else {
				p.act = actFinal
			}
			b.out[i] = r
			continue
		}
		if j, ok := inserts[key]; ok {
			p.act, p.ref = actSame, j
			if m.Edited {
				p.act = actEditPending
			}
			continue
		}
		if it.DedupeAuthor && m.AuthorID != "" && !m.Edited {
			rkey := m.Source + "\x00" + m.AuthorID + "\x00" + p.hash
			if j, ok := repeats[rkey]; ok {
				p.act, p.ref, p.repeat = actSame, j, true
				continue
			}
			if r, ok := findRepeat(stored[rkey], m.PostedAt, it.DedupeWindow); ok {
				p.act, b.out[i] = actFinal, r
				continue
			}
			repeats[rkey] = i
		}
		inserts[key] = i
		switch {
		case it.JoinItem > 0:
			j := it.JoinItem - 1
			if j >= i {
				return fmt.Errorf("item %d joins item %d, which comes later", i, j)
			}
			p.act, p.ref = actJoinItem, j
			inc, opener := b.incidentOf(j)
			if inc == 0 && opener < 0 {
				return fmt.Errorf("item %d joins item %d, which opened no incident", i, j)
			}
			p.incident, p.opener = inc, opener
		case it.JoinIncident != 0:
			p.act, p.incident = actJoin, it.JoinIncident
		case it.Incident != nil:
			p.act, p.opener = actOpen, i
		default:
			p.act = actPlain
		}
	}
	return nil
}

// incidentOf returns the incident item j belongs to: a stored one, or the index of the item opening it.
func (b *ingestBatch) incidentOf(j int) (int64, int) {
	for {
		p := b.plans[j]
		switch p.act {
		case actFinal, actEdit:
			return b.out[j].IncidentID, -1
		case actSame, actEditPending:
			j = p.ref
			continue
		case actOpen, actJoin, actJoinItem:
			return p.incident, p.opener
		}
		return 0, -1
	}
}

// storedMessage is a stored message that a message of the batch may repeat.
type storedMessage struct {
	postedAt time.Time
	result   IngestResult
}

func findRepeat(cands []storedMessage, at time.Time, window time.Duration) (IngestResult, bool) {
	for _, c := range cands { // in id order: the first message wins
		if d := c.postedAt.Sub(at); d >= -window && d <= window {
			r := c.result
			r.Repeat = true
			return r, true
		}
	}
	return IngestResult{}, false
}

// storedRepeats finds the stored messages that items of the batch may repeat (same source, author and text
// hash), one query per source and 500 authors.
func (t *Tx) storedRepeats(ctx context.Context, items []IngestItem, plans []ingestPlan, known map[string]IngestResult) (map[string][]storedMessage, error) {
	type want struct {
		authors, hashes map[string]bool
		from, to        time.Time
	}
	bySource := map[string]*want{}
	for i, it := range items {
		m := it.Message
		if !it.DedupeAuthor || m.AuthorID == "" || m.Edited {
			continue
		}
		if _, ok := known[msgKey(m.Source, m.ExternalID)]; ok {
			continue
		}
		w := bySource[m.Source]
		if w == nil {
			w = &want{authors: map[string]bool{}, hashes: map[string]bool{}, from: m.PostedAt.Add(-it.DedupeWindow), to: m.PostedAt.Add(it.DedupeWindow)}
			bySource[m.Source] = w
		}
		w.authors[m.AuthorID] = true
		w.hashes[plans[i].hash] = true
		if f := m.PostedAt.Add(-it.DedupeWindow); f.Before(w.from) {
			w.from = f
		}
		if e := m.PostedAt.Add(it.DedupeWindow); e.After(w.to) {
			w.to = e
		}
	}
	out := map[string][]storedMessage{}
	for source, w := range bySource {
		// Looked up by author only (the index leads with source and author): an IN list on the text hash as well
		// makes the engines seek every author × hash pair. The hashes are matched here.
		authors := mapKeys(w.authors)
		for i := 0; i < len(authors); i += 500 {
			part := authors[i:min(i+500, len(authors))]
			q := `SELECT m.author_id, m.text_hash, m.posted_at, m.id, m.incident_id, COALESCE(inc.number, '') FROM messages m
				LEFT JOIN incidents inc ON inc.id = m.incident_id
				WHERE m.source = ? AND m.author_id IN (` + marks(len(part)) + `) AND m.posted_at >= ? AND m.posted_at <= ?
				ORDER BY m.id`
			args := make([]any, 0, 3+len(part))
			args = append(args, source)
			for _, a := range part {
				args = append(args, a)
			}
			args = append(args, ms(w.from), ms(w.to))
			rows, err := t.tx.QueryContext(ctx, t.rebind(q), args...)
			if err != nil {
				return nil, fmt.Errorf("look up repeated texts: %w", err)
			}
			for rows.Next() {
				var author, hash string
				var posted int64
				var inc sql.NullInt64
				var r IngestResult
				if err := rows.Scan(&author, &hash, &posted, &r.MessageID, &inc, &r.Number); err != nil {
					rows.Close()
					return nil, fmt.Errorf("scan repeated text: %w", err)
				}
				if !w.hashes[hash] {
					continue
				}
				r.IncidentID = inc.Int64
				k := source + "\x00" + author + "\x00" + hash
				out[k] = append(out[k], storedMessage{postedAt: fromMS(posted), result: r})
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, fmt.Errorf("look up repeated texts: %w", err)
			}
		}
	}
	return out, nil
}

// knownMessages finds which of the batch's external ids are stored already (one query per source and 500 ids).
func (t *Tx) knownMessages(ctx context.Context, items []IngestItem) (map[string]IngestResult, error) {
	bySource := map[string][]any{}
	for _, it := range items {
		bySource[it.Message.Source] = append(bySource[it.Message.Source], it.Message.ExternalID)
	}
	out := map[string]IngestResult{}
	for source, ids := range bySource {
		for i := 0; i < len(ids); i += 500 {
			part := ids[i:min(i+500, len(ids))]
			q := `SELECT m.external_id, m.id, m.incident_id, COALESCE(inc.number, '') FROM messages m
				LEFT JOIN incidents inc ON inc.id = m.incident_id
				WHERE m.source = ? AND m.external_id IN (` + marks(len(part)) + `)`
			rows, err := t.tx.QueryContext(ctx, t.rebind(q), append([]any{source}, part...)...)
			if err != nil {
				return nil, fmt.Errorf("look up known messages: %w", err)
			}
			for rows.Next() {
				var ext string
				var r IngestResult
				var inc sql.NullInt64
				if err := rows.Scan(&ext, &r.MessageID, &inc, &r.Number); err != nil {
					rows.Close()
					return nil, fmt.Errorf("scan known message: %w", err)
				}
				r.IncidentID, r.Duplicate = inc.Int64, true
				out[msgKey(source, ext)] = r
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// openIncidents inserts the incidents the batch opens, numbered from blocks reserved in one step per prefix,
// with their message counts already including the batch's messages that join them.
func (b *ingestBatch) openIncidents(ctx context.Context) error {
	var openers []int
	need := map[string]int64{}
	joiners := map[int]int{}
	lastAt := map[int]time.Time{}
	cats := map[int64]bool{}
	for i, p := range b.plans {
		switch {
		case p.act == actOpen:
			openers = append(openers, i)
			inc := b.items[i].Incident
			if n := inc.Number; n == "" || strings.HasSuffix(n, "-") {
				need[n]++
			}
			if inc.CategoryID != 0 {
				cats[inc.CategoryID] = true
			}
		case (p.act == actJoinItem || p.act == actJoin) && p.opener >= 0:
			joiners[p.opener]++
			if at := b.items[i].Message.ReceivedAt; at.After(lastAt[p.opener]) {
				lastAt[p.opener] = at
			}
		}
	}
	if len(openers) == 0 {
		return nil
	}
	numbers := map[string]int64{} // prefix → the next reserved number
	for prefix, n := range need {
		var last int64
		err := b.tx.queryRow(ctx, `INSERT INTO counters(name, value) VALUES (?, ?)
			ON CONFLICT(name) DO UPDATE SET value = counters.value + ? RETURNING value`, prefix, n, n).Scan(&last)
		if err != nil {
			return fmt.Errorf("reserve numbers %s: %w", prefix, err)
		}
		numbers[prefix] = last - n + 1
	}
	topics, err := b.tx.topicsOf(ctx, mapKeys(cats))
	if err != nil {
		return err
	}
	const cols, rowsPer = 26, 200
	byNumber := make(map[string]int, len(openers))
	for k := 0; k < len(openers); k += rowsPer {
		part := openers[k:min(k+rowsPer, len(openers))]
		args := make([]any, 0, cols*len(part))
		for _, i := range part {
			inc := *b.items[i].Incident
			if p := inc.Number; p == "" || strings.HasSuffix(p, "-") {
				inc.Number = fmt.Sprintf("%s%06d", p, numbers[p])
				numbers[p]++
			}
			inc.MessageCount = 1 + joiners[i]
			if at := lastAt[i]; at.After(inc.UpdatedAt) {
				inc.UpdatedAt = at
			}
			byNumber[inc.Number] = i
			b.out[i].Number = inc.Number
			args = append(args, incidentRow(inc, topics[inc.CategoryID])...)
		}
		q := `INSERT INTO incidents(number, region_id, status, priority, category_id, topic_id, territory_id, executor_id,
			summary, address, source, message_count, created_at, updated_at, reaction_due, resolution_due, due_at, warn_at,
			breach_at, first_reaction_at, resolved_at, merged_into, reject_reason, excluded_executors, legal_due,
			legal_extended_at) VALUES ` +
			rowMarks(len(part), cols) + ` RETURNING id, number`
		rows, err := b.tx.bulkQuery(ctx, len(part) == rowsPer, q, args...)
		if err != nil {
			return fmt.Errorf("create incidents: %w", err)
		}
		for rows.Next() {
			var id int64
			var number string
			if err := rows.Scan(&id, &number); err != nil {
				rows.Close()
				return fmt.Errorf("scan created incident: %w", err)
			}
			if i, ok := byNumber[number]; ok {
				b.plans[i].incident = id
				if b.opened == nil {
					b.opened = make(map[int64][]string, len(openers))
				}
				b.opened[id] = nil
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("create incidents: %w", err)
		}
		// New incidents wait for the dashboard's fold (see rollup.go).
		pend := make([]any, 0, 2*len(part))
		for _, i := range part {
			if id := b.plans[i].incident; id != 0 {
				pend = append(pend, id, ms(b.items[i].Incident.CreatedAt))
			}
		}
		if _, err := b.tx.bulkExec(ctx, len(pend) == 2*rowsPer, `INSERT INTO dash_pending (incident_id, created_at) VALUES `+rowMarks(len(pend)/2, 2), pend...); err != nil {
			return fmt.Errorf("create incidents: mark them pending: %w", err)
		}
	}
	// Point every message at its incident's id now that the opened ones have theirs.
	for i := range b.plans {
		p := &b.plans[i]
		if p.opener >= 0 && p.incident == 0 {
			p.incident = b.plans[p.opener].incident
		}
		if p.opener >= 0 && p.incident == 0 {
			return fmt.Errorf("incident opened by item %d has no id", p.opener)
		}
	}
	return nil
}

// incidentRow lists an incident's columns in the order openIncidents inserts them.
func incidentRow(inc model.Incident, topic int64) []any {
	ex := "[]"
	if len(inc.ExcludedExecutor) > 0 {
		b, _ := json.Marshal(inc.ExcludedExecutor)
		ex = string(b)
	}
	return []any{inc.Number, inc.RegionID, string(inc.Status), string(inc.Priority), nullID(inc.CategoryID), nullID(topic),
		nullID(inc.TerritoryID), nullID(inc.ExecutorID), inc.Summary, inc.Address, inc.Source, inc.MessageCount,
		ms(inc.CreatedAt), ms(inc.UpdatedAt), msPtr(inc.ReactionDue), msPtr(inc.ResolutionDue), msPtr(inc.DueAt),
		msPtr(inc.WarnAt), msPtr(inc.BreachAt), msPtr(inc.FirstReactionAt), msPtr(inc.ResolvedAt), nullID(inc.MergedInto),
		inc.RejectReason, ex, msPtr(inc.LegalDue), msPtr(inc.LegalExtendedAt)}
}

// topicsOf maps categories to their topics (the parent, or the category itself when it is a topic).
func (t *Tx) topicsOf(ctx context.Context, cats []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(cats))
	if len(cats) == 0 {
		return out, nil
	}
	rows, err := t.tx.QueryContext(ctx, t.rebind(`SELECT c.id, COALESCE(tp.id, c.id) FROM categories c
		LEFT JOIN categories tp ON tp.code = c.parent_code WHERE c.id IN (`+marks(len(cats))+`)`), toAny(cats)...)
	if err != nil {
		return nil, fmt.Errorf("look up topics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, tp int64
		if err := rows.Scan(&c, &tp); err != nil {
			return nil, fmt.Errorf("scan topic: %w", err)
		}
		out[c] = tp
	}
	return out, rows.Err()
}

// joinIncidents counts the batch's new messages into the stored incidents they join, in one statement per 300
// incidents, and returns each joined incident's number. A missing incident fails the batch.
func (b *ingestBatch) joinIncidents(ctx context.Context) (map[int64]string, error) {
	type join struct {
		n  int
		at time.Time
	}
	joins := map[int64]*join{}
	var ids []int64
	for i, p := range b.plans {
		if (p.act != actJoin && p.act != actJoinItem) || p.opener >= 0 {
			continue
		}
		j := joins[p.incident]
		if j == nil {
			j = &join{}
			joins[p.incident] = j
			ids = append(ids, p.incident)
		}
		j.n++
		if at := b.items[i].Message.ReceivedAt; at.After(j.at) {
			j.at = at
		}
	}
	slices.Sort(ids) // one lock order for every batch: concurrent batches joining the same incidents cannot deadlock
	numbers := make(map[int64]string, len(ids))
	for k := 0; k < len(ids); k += 300 {
		part := ids[k:min(k+300, len(ids))]
		args := make([]any, 0, 3*len(part))
		for _, id := range part {
			args = append(args, id, joins[id].n, ms(joins[id].at))
		}
		// Both engines name the columns of a VALUES list column1, column2, …
		q := `UPDATE incidents SET message_count = incidents.message_count + v.column2,
			updated_at = CASE WHEN incidents.updated_at < v.column3 THEN v.column3 ELSE incidents.updated_at END
			FROM (VALUES ` + strings.TrimSuffix(strings.Repeat("(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT)),", len(part)), ",") + `) AS v
			WHERE incidents.id = v.column1 RETURNING incidents.id, incidents.number`
		rows, err := b.tx.tx.QueryContext(ctx, b.tx.rebind(q), args...)
		if err != nil {
			return nil, fmt.Errorf("join incidents: %w", err)
		}
		for rows.Next() {
			var id int64
			var number string
			if err := rows.Scan(&id, &number); err != nil {
				rows.Close()
				return nil, fmt.Errorf("scan joined incident: %w", err)
			}
			numbers[id] = number
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("join incidents: %w", err)
		}
	}
	for _, id := range ids {
		if _, ok := numbers[id]; !ok {
			return nil, fmt.Errorf("join incident %d: %w", id, model.ErrNotFound)
		}
	}
	return numbers, nil
}

// insertMessages writes the batch's new messages in multi-row inserts and fills in the results, the search terms
// and the events.
func (b *ingestBatch) insertMessages(ctx context.Context, joined map[int64]string) error {
	var ins []int
	for i := range b.plans {
		p := &b.plans[i]
		switch p.act {
		case actOpen, actJoin, actJoinItem, actPlain:
			ins = append(ins, i)
		default:
			continue
		}
		r := &b.out[i]
		r.IncidentID = p.incident
		if p.act != actOpen && p.incident != 0 {
			if p.opener >= 0 {
				r.Number = b.out[p.opener].Number
			} else {
				r.Number = joined[p.incident]
			}
		}
	}
	// An edit of a message this batch inserts is written as the inserted message's text.
	text := func(i int) (model.Message, ingestPlan) { return b.items[i].Message, b.plans[i] }
	edited := map[int]int{}
	for i, p := range b.plans {
		if p.act == actEditPending {
			target := p.ref
			for b.plans[target].act == actSame || b.plans[target].act == actEditPending {
				target = b.plans[target].ref
			}
			edited[target] = i
		}
	}
	const cols, rowsPer = 17, 300
	byKey := make(map[string]int, len(ins))
	for k := 0; k < len(ins); k += rowsPer {
		part := ins[k:min(k+rowsPer, len(ins))]
		args := make([]any, 0, cols*len(part))
		for _, i := range part {
			m, p := text(i)
			if e, ok := edited[i]; ok {
				em, ep := text(e)
				m.Text, m.Raw, p.hash, p.att = em.Text, em.Raw, ep.hash, ep.att
			}
			byKey[msgKey(m.Source, m.ExternalID)] = i
			args = append(args, m.Source, m.ExternalID, nullID(b.out[i].IncidentID), m.Author, m.AuthorID, m.Text, m.URL,
				m.Territory, m.Category, m.Address, m.ThreadID, m.ReplyTo, p.att, string(m.Raw), ms(m.PostedAt),
				ms(m.ReceivedAt), p.hash)
		}
		q := `INSERT INTO messages(source, external_id, incident_id, author, author_id, text, url, territory, category,
			address, thread_id, reply_to, attachments, raw, posted_at, received_at, text_hash) VALUES ` +
			rowMarks(len(part), cols) + ` RETURNING id, source, external_id`
		rows, err := b.tx.bulkQuery(ctx, len(part) == rowsPer, q, args...)
		if err != nil {
			return fmt.Errorf("insert messages: %w", err)
		}
		for rows.Next() {
			var id int64
			var source, ext string
			if err := rows.Scan(&id, &source, &ext); err != nil {
				rows.Close()
				return fmt.Errorf("scan inserted message: %w", err)
			}
			if i, ok := byKey[msgKey(source, ext)]; ok {
				b.out[i].MessageID = id
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("insert messages: %w", err)
		}
	}
	for _, i := range ins {
		it, r := b.items[i], b.out[i]
		if r.MessageID == 0 {
			return fmt.Errorf("message %s/%s: no id returned", it.Message.Source, it.Message.ExternalID)
		}
		if r.IncidentID == 0 {
			continue
		}
		if b.plans[i].act == actOpen {
			inc := it.Incident
			b.addTerms(r.IncidentID, it.Terms, inc.Summary+" "+it.Message.Text+" "+inc.Address)
		} else {
			b.addTerms(r.IncidentID, it.Terms, it.Message.Text)
		}
		for _, e := range it.Events {
			e.IncidentID = r.IncidentID
			b.events = append(b.events, e)
		}
	}
	// Items that are the same message as an earlier one take its result.
	for i, p := range b.plans {
		switch p.act {
		case actSame:
			r := b.out[p.ref]
			r.Duplicate, r.Repeat, r.Edited = !p.repeat, p.repeat, false
			b.out[i] = r
		case actEditPending:
			r := b.out[p.ref]
			r.Duplicate, r.Repeat, r.Edited = false, false, true
			b.out[i] = r
			if r.IncidentID != 0 {
				b.addTerms(r.IncidentID, nil, b.items[i].Message.Text)
			}
		}
	}
	return nil
}

// applyEdits updates the stored messages that the batch edits.
func (b *ingestBatch) applyEdits(ctx context.Context) error {
	for i, p := range b.plans {
		if p.act != actEdit {
			continue
		}
		m, r := b.items[i].Message, b.out[i]
		if _, err := b.tx.exec(ctx, `UPDATE messages SET text = ?, raw = ?, text_hash = ?, attachments = ? WHERE id = ?`,
			m.Text, string(m.Raw), p.hash, p.att, r.MessageID); err != nil {
			return fmt.Errorf("update edited message %s/%s: %w", m.Source, m.ExternalID, err)
		}
		if r.IncidentID != 0 {
			b.addTerms(r.IncidentID, nil, m.Text)
			b.events = append(b.events, model.Event{IncidentID: r.IncidentID, Actor: "system", Type: "message.edited",
				Data: mustJSON(map[string]any{"message_id": r.MessageID}), At: m.ReceivedAt})
		}
	}
	return nil
}

func (b *ingestBatch) addTerms(incidentID int64, terms []string, text string) {
	if terms == nil {
		terms = search.Terms(text)
	}
	first, fresh := b.opened[incidentID]
	if !fresh {
		for _, term := range terms {
			b.storedTerms = append(b.storedTerms, term, incidentID)
		}
		return
	}
	set := b.openedSets[incidentID]
	if set == nil {
		if first == nil { // the incident's first text: its terms are distinct (search.Terms)
			b.opened[incidentID] = append(terms[:0:0], terms...)
			for _, term := range terms {
				b.terms = append(b.terms, term, incidentID)
			}
			return
		}
		set = make(map[string]bool, 2*len(first))
		for _, term := range first {
			set[term] = true
		}
		if b.openedSets == nil {
			b.openedSets = map[int64]map[string]bool{}
		}
		b.openedSets[incidentID] = set
	}
	for _, term := range terms {
		if !set[term] {
			set[term] = true
			b.terms = append(b.terms, term, incidentID)
		}
	}
}

// flush writes the batch's terms and events in multi-row statements.
func (b *ingestBatch) flush(ctx context.Context) error {
	const termRows, eventRows = 1000, 300
	for _, set := range []struct {
		terms    []any
		conflict string
	}{{b.terms, ""}, {b.storedTerms, " ON CONFLICT DO NOTHING"}} {
		for i := 0; i < len(set.terms); i += 2 * termRows {
			part := set.terms[i:min(i+2*termRows, len(set.terms))]
			q := `INSERT INTO incident_terms(term, incident_id) VALUES ` + rowMarks(len(part)/2, 2) + set.conflict
			if _, err := b.tx.bulkExec(ctx, len(part) == 2*termRows, q, part...); err != nil {
				return fmt.Errorf("index incidents: %w", err)
			}
		}
	}
	for i := 0; i < len(b.events); i += eventRows {
		part := b.events[i:min(i+eventRows, len(b.events))]
		args := make([]any, 0, 9*len(part))
		for _, e := range part {
			if e.At.IsZero() {
				e.At = time.Now()
			}
			data := ""
			if len(e.Data) > 0 {
				data = string(e.Data)
			}
			args = append(args, nullID(e.IncidentID), nullID(e.AnswerID), nullID(e.ActorID), e.Actor, e.Type, e.From, e.To, data, ms(e.At))
		}
		q := `INSERT INTO events(incident_id, answer_id, actor_id, actor, type, from_state, to_state, data, at) VALUES ` + rowMarks(len(part), 9)
		if _, err := b.tx.bulkExec(ctx, len(part) == eventRows, q, args...); err != nil {
			return fmt.Errorf("record events: %w", err)
		}
	}
	return nil
}

// marks returns n comma-separated placeholders.
func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

// rowMarks returns n parenthesised rows of cols placeholders each, for a multi-row VALUES list.
func rowMarks(n, cols int) string {
	row := "(" + marks(cols) + ")"
	var sb strings.Builder
	sb.Grow(n * (len(row) + 1))
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(row)
	}
	return sb.String()
}

func mapKeys[K comparable](m map[K]bool) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
