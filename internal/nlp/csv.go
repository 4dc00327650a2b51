package nlp

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ReadCSVColumns reads a UTF-8 CSV with a header row (RFC 4180 quoting,
// fields may contain newlines) and returns, for every record, the values of
// the named columns in the order given. A UTF-8 byte-order mark is skipped.
// Records with a different field count are an error with the line number.
func ReadCSVColumns(ctx context.Context, r io.Reader, cols ...string) ([][]string, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("nlp: csv: empty input, header row expected")
		}
		return nil, fmt.Errorf("nlp: csv: header: %w", err)
	}
	pos := make([]int, len(cols))
	for i, c := range cols {
		pos[i] = -1
		for j, h := range header {
			if j == 0 {
				h = strings.TrimPrefix(h, "\ufeff")
			}
			if strings.TrimSpace(h) == c {
				pos[i] = j
				break
			}
		}
		if pos[i] < 0 {
			return nil, fmt.Errorf("nlp: csv: no column %q (have %s)", c, strings.Join(header, ", "))
		}
	}
	var out [][]string
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("nlp: csv: %w", ctx.Err())
		}
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("nlp: csv: %w", err)
		}
		row := make([]string, len(cols))
		for i, p := range pos {
			row[i] = strings.Clone(rec[p])
		}
		out = append(out, row)
	}
}

// ReadExamplesCSV reads examples from a CSV: the text from textCol, the
// label from labelCols joined with LabelSep (so "category" and "reason"
// together make a pair label). Rows with an empty text or label are skipped.
func ReadExamplesCSV(ctx context.Context, r io.Reader, textCol string, labelCols ...string) ([]Example, error) {
	if len(labelCols) == 0 {
		return nil, errors.New("nlp: csv: no label column")
	}
	rows, err := ReadCSVColumns(ctx, r, append([]string{textCol}, labelCols...)...)
	if err != nil {
		return nil, err
	}
	out := make([]Example, 0, len(rows))
	for _, row := range rows {
		label := strings.Join(row[1:], LabelSep)
		if strings.TrimSpace(row[0]) == "" || strings.TrimSpace(strings.ReplaceAll(label, LabelSep, "")) == "" {
			continue
		}
		out = append(out, Example{Text: row[0], Label: label})
	}
	return out, nil
}

// LabelSep joins several label columns into one label.
const LabelSep = " / "
