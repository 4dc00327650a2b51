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
