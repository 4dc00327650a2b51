package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

// ImportLine is the documented schema of one line of a messages JSONL file.
type ImportLine struct {
	Source      string          `json:"source"`      // required: where the message came from ("vk", "telegram", "import"…)
	ExternalID  string          `json:"external_id"` // required: unique within the source; a second import skips it
	Text        string          `json:"text"`        // required
	Author      string          `json:"author,omitempty"`
	AuthorID    string          `json:"author_id,omitempty"`
	URL         string          `json:"url,omitempty"`
	Territory   string          `json:"territory,omitempty"` // OKTMO code of the municipality, when known
	Category    string          `json:"category,omitempty"`  // category code, when known ("zhkh.heating")
	Address     string          `json:"address,omitempty"`
	PostedAt    *time.Time      `json:"posted_at,omitempty"` // RFC 3339; defaults to the import time
	ThreadID    string          `json:"thread_id,omitempty"`
	ReplyTo     string          `json:"reply_to,omitempty"`
	Attachments []string        `json:"attachments,omitempty"`
	Raw         json.RawMessage `json:"raw,omitempty"` // the original payload, kept as is
}

// Message converts a line to a message.
func (l ImportLine) Message() model.Message {
	m := model.Message{Source: l.Source, ExternalID: l.ExternalID, Text: l.Text, Author: l.Author, AuthorID: l.AuthorID,
		URL: l.URL, Territory: l.Territory, Category: l.Category, Address: l.Address, ThreadID: l.ThreadID,
		ReplyTo: l.ReplyTo, Attachments: l.Attachments, Raw: l.Raw}
	if l.PostedAt != nil {
		m.PostedAt = l.PostedAt.UTC()
	}
	return m
}

// maxImportLine bounds one JSONL line.
const maxImportLine = 1 << 20

// ImportReport counts what an import did.
type ImportReport struct {
	Lines, New, Duplicates, Bad int
}

// ParseImportLine decodes and validates one JSONL line (fields unknown to the schema are an error).
func ParseImportLine(line []byte, refs *store.Refs) (model.Message, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	var l ImportLine
	if err := dec.Decode(&l); err != nil {
		return model.Message{}, fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return model.Message{}, errors.New("invalid JSON: more than one value on the line")
	}
	m := l.Message()
	if err := workflow.ValidateMessage(m, refs); err != nil {
		return model.Message{}, err
	}
	return m, nil
}

// ImportMessages reads JSONL from r and stores the messages in batches. Bad lines are reported to errw with
// their line number and skipped; good ones are kept.
func ImportMessages(ctx context.Context, svc *workflow.Service, r io.Reader, errw io.Writer, onBytes func(int), batchSize int) (ImportReport, error) {
	var rep ImportReport
	refs, err := svc.Refs(ctx)
	if err != nil {
		return rep, err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	batch := make([]model.Message, 0, batchSize)
	seen := map[string]int{} // source/external_id → line, to report repeats inside the file
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		res, err := svc.Intake(ctx, batch)
		if err != nil {
			return err
		}
		for _, x := range res {
			if x.Duplicate {
				rep.Duplicates++
			} else {
				rep.New++
			}
		}
		batch = batch[:0]
		return nil
	}
	lineNo := 0 // physical line number, blank lines included
	for {
		line, err := readLine(br, maxImportLine)
		if len(line) > 0 || err == nil {
			lineNo++
			rep.Lines++
			if onBytes != nil {
				onBytes(len(line) + 1)
			}
			trimmed := bytes.TrimSpace(line)
			switch {
			case errors.Is(err, errLineTooLong):
				rep.Bad++
				fmt.Fprintf(errw, "line %d: longer than %d bytes, skipped\n", lineNo, maxImportLine)
			case len(trimmed) == 0:
				rep.Lines-- // blank lines are not counted
			default:
				m, perr := ParseImportLine(trimmed, refs)
				if perr != nil {
					rep.Bad++
					fmt.Fprintf(errw, "line %d: %v, skipped\n", lineNo, perr)
					break
				}
				key := m.Source + "\x00" + m.ExternalID
				if first, ok := seen[key]; ok {
					rep.Duplicates++
					fmt.Fprintf(errw, "line %d: repeats external_id %q of line %d, skipped\n", lineNo, m.ExternalID, first)
					break
				}
				seen[key] = lineNo
				batch = append(batch, m)
				if len(batch) >= batchSize {
					if err := flush(); err != nil {
						return rep, err
					}
				}
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, errLineTooLong) {
			return rep, fmt.Errorf("read line %d: %w", lineNo+1, err)
		}
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
	}
	return rep, flush()
}

var errLineTooLong = errors.New("line too long")

// readLine returns the next line without its newline. A line longer than max is consumed whole and reported
// with errLineTooLong (its content is not returned).
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > max+1 {
			// Drain the rest of the line.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if errors.Is(err, io.EOF) {
				return []byte{0}, errLineTooLong
			}
			return []byte{0}, errLineTooLong
		}
		buf = append(buf, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimRight(buf, "\r\n"), err
	}
}

func runImportMessages(ctx context.Context, args []string, io IO) error {
	fs := newFlags(io, "import messages", "import messages [--db URL] FILE.jsonl",
		`Import messages from a JSON Lines file, one message per line (schema in the README: source, external_id and
text are required). Every new message opens an incident waiting for triage. Bad lines are reported with their
line number and skipped; the good ones are kept. Importing the same file again adds nothing: a message is
identified by its source and external_id. Use - to read standard input.

Example:
  otklik import messages posts.jsonl`)
	db := dbFlag(fs, io)
	batch := fs.Int("batch", 500, "messages per transaction")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("import messages: FILE required")
	}
	if *batch < 1 || *batch > 10000 {
		return fmt.Errorf("--batch: must be between 1 and 10000")
	}
	var r = io.In
	var size int64 = -1
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("import messages: %w", err)
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil {
			size = fi.Size()
		}
		r = f
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := workflow.New(st)
	var onBytes func(int)
	if !*quiet {
		bar := progressbar.NewOptions64(size, progressbar.OptionSetWriter(io.Err), progressbar.OptionShowBytes(true),
			progressbar.OptionSetDescription("importing"), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(io.Err) }))
		defer bar.Finish()
		onBytes = func(n int) { _ = bar.Add(n) }
	}
	rep, err := ImportMessages(ctx, svc, r, io.Err, onBytes, *batch)
	fmt.Fprintf(io.Out, "%d lines: %d new, %d already present, %d bad\n", rep.Lines, rep.New, rep.Duplicates, rep.Bad)
	return err
}
