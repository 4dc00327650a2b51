package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/otklik/otklik/internal/connector/jsonl"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

// maxImportLine bounds one JSONL line.
const maxImportLine = 1 << 20

// ImportReport counts what an import did.
type ImportReport struct {
	Lines, New, Duplicates, Bad int
}

// ParseImportLine decodes and validates one JSONL line (schema: package jsonl; unknown fields are an error).
func ParseImportLine(line []byte, refs *store.Refs) (model.Message, error) {
	m, err := jsonl.ParseLine(line)
	if err != nil {
		return model.Message{}, err
	}
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
