package ingest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/otklik/otklik/internal/demo"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// Generate returns n realistic messages for benchmarks, deterministic for a seed: the demo's resident texts and
// social-network stream with varied house numbers, authors, sources and times spread over the days before end.
func Generate(n int, seed uint64, end time.Time) []model.Message {
	r := rand.New(rand.NewPCG(seed, 5))
	samples := demo.SampleTexts()
	stream := demo.StreamTexts()
	out := make([]model.Message, n)
	span := 30 * 24 * time.Hour
	for i := range out {
		var text, territory, address string
		if r.IntN(3) == 0 {
			s := stream[r.IntN(len(stream))]
			text, territory = s.Text, s.Territory
		} else {
			s := samples[r.IntN(len(samples))]
			text, territory, address = s.Text, s.Territory, s.Address
		}
		// Vary the text the way many residents would: another house, a signature, a follow-up.
		switch r.IntN(4) {
		case 0:
			text += fmt.Sprintf(" Дом %d.", 1+r.IntN(200))
		case 1:
			text = fmt.Sprintf("Подъезд %d. ", 1+r.IntN(8)) + text
		case 2:
			text += " Прошу принять меры!"
		}
		src := "vk"
		if i%3 == 1 {
			src = "telegram"
		} else if i%7 == 0 {
			src = "reception"
			address = ""
		}
		at := end.Add(-span + time.Duration(float64(span)*float64(i)/float64(n)) + time.Duration(r.IntN(60))*time.Second)
		out[i] = model.Message{Source: src, ExternalID: fmt.Sprintf("bench-%d", i), AuthorID: fmt.Sprintf("u%d", r.IntN(n/3+1)),
			Author: fmt.Sprintf("Житель %d", r.IntN(10000)), Text: text, Territory: territory, Address: address,
			PostedAt: at, ReceivedAt: at.Add(time.Duration(1+r.IntN(30)) * time.Second)}
	}
	return out
}

// SubmitAll feeds messages to a running pipeline from several concurrent senders in chunks, as hooks would,
// retrying a chunk the queue refused.
func SubmitAll(ctx context.Context, p *Pipeline, msgs []model.Message, senders, chunk int, progress func(int)) error {
	var wg sync.WaitGroup
	errs := make(chan error, senders)
	next := make(chan []model.Message)
	go func() {
		defer close(next)
		for i := 0; i < len(msgs); i += chunk {
			j := min(i+chunk, len(msgs))
			select {
			case next <- msgs[i:j]:
			case <-ctx.Done():
				return
			}
		}
	}()
	for s := 0; s < senders; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for part := range next {
				for {
					_, err := p.Submit(ctx, part)
					if err == nil {
						break
					}
					if !strings.Contains(err.Error(), "overloaded") || ctx.Err() != nil {
						errs <- err
						return
					}
					time.Sleep(time.Millisecond)
				}
				if progress != nil {
					progress(len(part))
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// BareInsert writes the messages' rows into the messages table in batched multi-row INSERTs, one transaction a
// batch, with nothing else: the baseline the pipeline's rate is compared with.
func BareInsert(ctx context.Context, st *store.Store, msgs []model.Message, batch int) error {
	const cols = 16
	for i := 0; i < len(msgs); i += batch {
		part := msgs[i:min(i+batch, len(msgs))]
		var b strings.Builder
		b.WriteString(`INSERT INTO messages(source, external_id, author, author_id, text, url, territory, category, address,
			thread_id, reply_to, attachments, raw, posted_at, received_at, text_hash) VALUES `)
		args := make([]any, 0, cols*len(part))
		n := 0
		for j, m := range part {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for c := 0; c < cols; c++ {
				if c > 0 {
					b.WriteByte(',')
				}
				n++
				if st.Dialect() == "postgres" {
					fmt.Fprintf(&b, "$%d", n)
				} else {
					b.WriteByte('?')
				}
			}
			b.WriteByte(')')
			args = append(args, m.Source, m.ExternalID, m.Author, m.AuthorID, m.Text, m.URL, m.Territory, m.Category,
				m.Address, m.ThreadID, m.ReplyTo, "[]", "", m.PostedAt.UnixMilli(), m.ReceivedAt.UnixMilli(), store.TextHash(m.Text))
		}
		tx, err := st.DB().BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("bare insert: begin: %w", err)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			tx.Rollback()
			return fmt.Errorf("bare insert: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("bare insert: commit: %w", err)
		}
	}
	return nil
}

// BareCopy copies the rows the pipeline stored (incidents, messages, events, search terms and any further
// table named) from one database into another with batched multi-row INSERTs and nothing else: no look-ups, no
// analysis, no decisions. It is the baseline the DESIGN budget compares the pipeline with, "a bare batched insert
// of the same rows". Rows are read from the source in chunks outside the timed part; only the inserts and their
// commits are timed. Statements carry up to 1,000 rows, transactions about 5,000, near what one pipeline batch of
// 500 messages writes.
func BareCopy(ctx context.Context, from, to *store.Store, extra ...string) (rows int, took time.Duration, err error) {
	type table struct{ name, key string }
	tables := []table{{"incidents", "id"}, {"messages", "id"}, {"events", "id"}, {"incident_terms", "incident_id"}}
	for _, t := range extra {
		tables = append(tables, table{t, ""})
	}
	pg := to.Dialect() == "postgres"
	mark := func(b *strings.Builder, n *int) {
		*n++
		if pg {
			fmt.Fprintf(b, "$%d", *n)
		} else {
			b.WriteByte('?')
		}
	}
	var pending [][]any
	var cols []string
	var tableName string
	tx, err := to.DB().BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("bare copy: begin: %w", err)
	}
	defer func() {
		if tx != nil {
			tx.Rollback()
		}
	}()
	inTx := 0
	insert := func() error {
		if len(pending) == 0 {
			return nil
		}
		start := time.Now()
		defer func() { took += time.Since(start) }()
		var b strings.Builder
		b.WriteString("INSERT INTO " + tableName + "(" + strings.Join(cols, ", ") + ") VALUES ")
		args := make([]any, 0, len(cols)*len(pending))
		n := 0
		for i, r := range pending {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for c := range cols {
				if c > 0 {
					b.WriteByte(',')
				}
				mark(&b, &n)
			}
			b.WriteByte(')')
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("bare copy %s: %w", tableName, err)
		}
		rows += len(pending)
		inTx += len(pending)
		pending = pending[:0]
		if inTx >= 5000 {
			if err := tx.Commit(); err != nil {
				return fmt.Errorf("bare copy: commit: %w", err)
			}
			inTx = 0
			if tx, err = to.DB().BeginTx(ctx, nil); err != nil {
				return fmt.Errorf("bare copy: begin: %w", err)
			}
		}
		return nil
	}
	for _, t := range tables {
		tableName = t.name
		var last int64 = -1
		for {
			var q string
			switch t.key {
			case "id":
				q = fmt.Sprintf("SELECT * FROM %s WHERE id > %d ORDER BY id LIMIT 1000", t.name, last)
			case "incident_id": // no id of its own: walk it 50 incidents at a time
				var maxID int64
				if err := from.DB().QueryRowContext(ctx, "SELECT COALESCE(MAX(incident_id), -1) FROM "+t.name).Scan(&maxID); err != nil {
					return rows, took, fmt.Errorf("bare copy: read %s: %w", t.name, err)
				}
				if last >= maxID {
					q = ""
				} else {
					q = fmt.Sprintf("SELECT * FROM %s WHERE incident_id > %d AND incident_id <= %d", t.name, last, last+50)
				}
			default:
				if last >= 0 {
					q = ""
				} else {
					q = "SELECT * FROM " + t.name
				}
			}
			if q == "" {
				break
			}
			rs, err := from.DB().QueryContext(ctx, q)
			if err != nil {
				return rows, took, fmt.Errorf("bare copy: read %s: %w", t.name, err)
			}
			if cols, err = rs.Columns(); err != nil {
				rs.Close()
				return rows, took, err
			}
			got := 0
			for rs.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rs.Scan(ptrs...); err != nil {
					rs.Close()
					return rows, took, fmt.Errorf("bare copy: read %s: %w", t.name, err)
				}
				got++
				if t.key == "id" {
					last = vals[0].(int64)
				}
				pending = append(pending, vals)
				if len(pending)*len(cols) >= 30000 || len(pending) >= 1000 {
					if err := insert(); err != nil {
						rs.Close()
						return rows, took, err
					}
				}
			}
			rs.Close()
			if err := rs.Err(); err != nil {
				return rows, took, fmt.Errorf("bare copy: read %s: %w", t.name, err)
			}
			if err := insert(); err != nil {
				return rows, took, err
			}
			switch t.key {
			case "id":
				if got == 0 {
					q = ""
				}
			case "incident_id":
				last += 50
				got = 1
			default:
				last = 0
			}
			if got == 0 {
				break
			}
		}
	}
	start := time.Now()
	err = tx.Commit()
	took += time.Since(start)
	tx = nil
	if err != nil {
		return rows, took, fmt.Errorf("bare copy: commit: %w", err)
	}
	return rows, took, nil
}
