// Package qualitycli is the `otklik grade` command: it grades answers from CSV files with package quality.
package qualitycli

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// timeLayouts are the layouts ParseTime accepts, tried in order.
var timeLayouts = []string{
	"2006-01-02T15:04:05",
	time.RFC3339,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"02.01.2006 15:04:05",
	"02.01.2006 15:04",
	"2006-01-02",
	"02.01.2006",
}

// ParseTime reads a timestamp in one of the common layouts (ISO 8601 with or without a zone, a space instead
// of «T», Russian «дд.мм.гггг чч:мм»). Times without a zone are taken as UTC; only differences matter here.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("empty time")
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: unknown layout (want e.g. 2020-10-18T14:50:40)", s)
}

// csvFile streams the records of one CSV file with a header.
type csvFile struct {
	name   string
	f      io.Closer
	r      *csv.Reader
	header map[string]int
}

func openCSV(name string, stdin io.Reader) (*csvFile, error) {
	var rd io.Reader
	var cl io.Closer = io.NopCloser(nil)
	if name == "-" {
		rd = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("grade: %w", err)
		}
		rd, cl = f, f
	}
	c, err := newCSV(name, rd)
	if err != nil {
		cl.Close()
		return nil, err
	}
	c.f = cl
	return c, nil
}

// newCSV reads the header of a CSV stream (RFC 4180, quoted fields may hold newlines, a UTF-8 BOM is skipped).
func newCSV(name string, rd io.Reader) (*csvFile, error) {
	r := csv.NewReader(rd)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	r.LazyQuotes = true
	h, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("grade: %s: empty file, want a header row", name)
		}
		return nil, fmt.Errorf("grade: %s: header: %w", name, err)
	}
	c := &csvFile{name: name, r: r, header: map[string]int{}}
	for i, col := range h {
		col = strings.TrimSpace(strings.TrimPrefix(col, "\ufeff"))
		if _, dup := c.header[col]; !dup {
			c.header[col] = i
		}
	}
	return c, nil
}

func (c *csvFile) col(name string) int {
	if name == "" {
		return -1
	}
	if i, ok := c.header[name]; ok {
		return i
	}
	return -1
}

func (c *csvFile) Close() error { return c.f.Close() }

func field(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return rec[i]
}
