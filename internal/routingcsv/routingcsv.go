// Package routingcsv reads the routing table and the building registry from CSV files as spreadsheets and
// registries export them (UTF-8 or Windows-1251, comma, semicolon or tab), checking every line against the
// reference data: the CLI imports and the web interface's uploads share it.
package routingcsv

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/routing"
	"github.com/otklik/otklik/internal/store"
)

// LineError is a problem with one line of an imported file.
type LineError struct {
	Line int
	Err  error
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// csvFile reads a CSV file as spreadsheets and registries export it: UTF-8 with or without a byte-order mark,
// or Windows-1251 (detected when the start of the file is not UTF-8); the separator is whichever of ';', ','
// and tab the header line holds most of. The header is returned with its names trimmed.
type csvFile struct {
	r      *csv.Reader
	header []string
	sep    rune
}

func openCSV(rd io.Reader) (*csvFile, error) {
	br := bufio.NewReaderSize(rd, 64<<10)
	head, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	var src io.Reader = br
	if !validUTF8Prefix(head) {
		src = charmap.Windows1251.NewDecoder().Reader(br)
		br = bufio.NewReaderSize(src, 64<<10)
		src = br
		head, _ = br.Peek(64 << 10)
	}
	if len(head) >= 3 && string(head[:3]) == "\ufeff" {
		_, _ = br.Discard(3)
		head = head[3:]
	}
	first, _, _ := strings.Cut(string(head), "\n")
	sep := detectSeparator(first)
	r := csv.NewReader(src)
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = sep, -1, true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("the file is empty: a header row is expected")
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	return &csvFile{r: r, header: header, sep: sep}, nil
}

// validUTF8Prefix reports whether b is UTF-8, allowing a rune cut off at the end.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return len(b)-i < utf8.UTFMax && !utf8.FullRune(b[i:])
		}
		i += n
	}
	return true
}

// detectSeparator picks the separator the header line holds most of, outside quotes (',' when none).
func detectSeparator(line string) rune {
	counts := map[rune]int{}
	quoted := false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case !quoted && (c == ';' || c == ',' || c == '\t'):
			counts[c]++
		}
	}
	best := ','
	for _, c := range []rune{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// column finds a header name, case-insensitively; -1 when absent.
func (f *csvFile) column(name string) int {
	for i, h := range f.header {
		if strings.EqualFold(h, name) {
			return i
		}
	}
	return -1
}

// next returns the next record and the line it starts on; io.EOF at the end. A malformed record is a LineError.
func (f *csvFile) next() ([]string, int, error) {
	rec, err := f.r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, pe.StartLine, LineError{pe.StartLine, pe.Err}
		}
		return nil, 0, err
	}
	line, _ := f.r.FieldPos(0)
	return rec, line, nil
}

// each calls fn with every record after the header and the line it starts on, and returns the problems of the
// bad lines: those that do not parse and those fn refuses (with fn's error). It reads to the end of the file and
// stops early only when reading fails.
func (f *csvFile) each(fn func(rec []string, line int) error) ([]LineError, error) {
	var bad []LineError
	for {
		rec, line, err := f.next()
		if errors.Is(err, io.EOF) {
			return bad, nil
		}
		var le LineError
		if errors.As(err, &le) {
			bad = append(bad, le)
			continue
		}
		if err != nil {
			return bad, err
		}
		if err := fn(rec, line); err != nil {
			bad = append(bad, LineError{line, err})
		}
	}
}

func field(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// ruleColumns are the columns of a rule table file, in the order `routing import-rules` documents.
var ruleColumns = []string{"position", "category", "territory", "kind", "executor", "note"}

// ParseRulesCSV reads a routing rule table (columns position, category, territory, kind, executor, note, with
// a header row; only executor is required) and checks every line against the reference data. It returns the
// rules when every line is valid, or every line's problem.
func ParseRulesCSV(rd io.Reader, refs *store.Refs) ([]store.RoutingRule, []LineError, error) {
	f, err := openCSV(rd)
	if err != nil {
		return nil, nil, err
	}
	idx := map[string]int{}
	for i, h := range f.header {
		name := strings.ToLower(h)
		if !slices.Contains(ruleColumns, name) {
			return nil, nil, fmt.Errorf("line 1: unknown column %q; the columns are %s", h, strings.Join(ruleColumns, ", "))
		}
		if _, dup := idx[name]; dup {
			return nil, nil, fmt.Errorf("line 1: column %q twice", h)
		}
		idx[name] = i
	}
	if _, ok := idx["executor"]; !ok {
		return nil, nil, fmt.Errorf("line 1: no executor column; the columns are %s", strings.Join(ruleColumns, ", "))
	}
	col := func(name string) int {
		if i, ok := idx[name]; ok {
			return i
		}
		return -1
	}
	var rules []store.RoutingRule
	bad, err := f.each(func(rec []string, _ int) error {
		rule := store.RoutingRule{Category: field(rec, col("category")), Territory: field(rec, col("territory")),
			Kind: field(rec, col("kind")), Executor: field(rec, col("executor")), Note: field(rec, col("note"))}
		if err := checkRule(refs, &rule, field(rec, col("position")), len(rules)); err != nil {
			return err
		}
		rules = append(rules, rule)
		return nil
	})
	if err != nil {
		return nil, bad, err
	}
	if len(bad) > 0 {
		return nil, bad, nil
	}
	return rules, nil, nil
}

// checkRule validates one rule; an empty position is the rule's place in the file.
func checkRule(refs *store.Refs, rule *store.RoutingRule, position string, i int) error {
	rule.Position = (i + 1) * 10
	if position != "" {
		p, err := strconv.Atoi(position)
		if err != nil || p < 0 {
			return fmt.Errorf("position: a whole number, 0 or more; got %q", position)
		}
		rule.Position = p
	}
	if rule.Category != "" {
		if _, ok := refs.CategoryByCode(rule.Category); !ok {
			return fmt.Errorf("category: unknown category %q", rule.Category)
		}
	}
	if rule.Territory != "" {
		if _, ok := refs.TerritoryByOKTMO(rule.Territory); !ok {
			return fmt.Errorf("territory: unknown OKTMO code %q", rule.Territory)
		}
	}
	if rule.Kind != "" && !slices.Contains(model.ExecutorKinds, rule.Kind) {
		return fmt.Errorf("kind: unknown executor kind %q (one of %s)", rule.Kind, strings.Join(model.ExecutorKinds, ", "))
	}
	if rule.Executor == "" {
		return fmt.Errorf("executor: required")
	}
	e, ok := refs.ExecutorByCode(rule.Executor)
	if !ok {
		return fmt.Errorf("executor: unknown executor %q", rule.Executor)
	}
	if rule.Kind != "" && e.Kind != rule.Kind {
		return fmt.Errorf("kind: executor %q is of kind %q, not %q", e.Code, e.Kind, rule.Kind)
	}
	if len(rule.Note) > 500 {
		return fmt.Errorf("note: longer than 500 bytes")
	}
	return nil
}

// BuildingColumns names the columns of a building registry file.
type BuildingColumns struct {
	Address, Executor, Territory string
	DefaultTerritory             string            // OKTMO for rows without one
	ExecutorMap                  map[string]string // normalised ОГРН, ИНН or name → executor code
}

// BuildingRow is a house read from a registry file, with its line.
type BuildingRow struct {
	Line     int
	Building store.Building
}

// ParseBuildingsCSV reads a building registry (the way ГИС ЖКХ exports it) and returns the good houses and the
// problems of the bad lines, which are skipped. The executor column may hold an executor code, a name known to
// Otklik, or an ОГРН, ИНН or name that cols.ExecutorMap maps to a code.
func ParseBuildingsCSV(rd io.Reader, cols BuildingColumns, refs *store.Refs) ([]BuildingRow, []LineError, error) {
	f, err := openCSV(rd)
	if err != nil {
		return nil, nil, err
	}
	ai, ei, ti := f.column(cols.Address), f.column(cols.Executor), -1
	if ai < 0 {
		return nil, nil, fmt.Errorf("--address-col: no column %q in the header (%s)", cols.Address, strings.Join(f.header, string(f.sep)))
	}
	if ei < 0 {
		return nil, nil, fmt.Errorf("--executor-col: no column %q in the header (%s)", cols.Executor, strings.Join(f.header, string(f.sep)))
	}
	if cols.Territory != "" {
		if ti = f.column(cols.Territory); ti < 0 {
			return nil, nil, fmt.Errorf("--territory-col: no column %q in the header (%s)", cols.Territory, strings.Join(f.header, string(f.sep)))
		}
	}
	names := map[string]string{}
	for _, e := range refs.Executors {
		for _, n := range []string{e.Name, e.ShortName} {
			if k := normKey(n); k != "" {
				names[k] = e.Code
			}
		}
	}
	var rows []BuildingRow
	bad, err := f.each(func(rec []string, line int) error {
		b, err := buildingOf(rec, ai, ei, ti, cols, refs, names)
		if err != nil {
			return err
		}
		rows = append(rows, BuildingRow{line, b})
		return nil
	})
	return rows, bad, err
}

func buildingOf(rec []string, ai, ei, ti int, cols BuildingColumns, refs *store.Refs, names map[string]string) (store.Building, error) {
	b := store.Building{Address: field(rec, ai), Territory: cols.DefaultTerritory}
	if b.Address == "" {
		return b, fmt.Errorf("%s: empty", cols.Address)
	}
	if b.Key = routing.AddressKey(b.Address); b.Key == "" {
		return b, fmt.Errorf("%s: no street and house number in %q", cols.Address, b.Address)
	}
	if ti >= 0 {
		if v := field(rec, ti); v != "" {
			t, ok := territoryOf(refs, v)
			if !ok {
				return b, fmt.Errorf("%s: unknown territory %q (an OKTMO code or a municipality's name)", cols.Territory, v)
			}
			b.Territory = t
		}
	}
	v := field(rec, ei)
	if v == "" {
		return b, fmt.Errorf("%s: empty", cols.Executor)
	}
	code, ok := "", false
	if _, known := refs.ExecutorByCode(v); known {
		code, ok = v, true
	} else if code, ok = cols.ExecutorMap[normKey(v)]; !ok {
		code, ok = names[normKey(v)]
	}
	if !ok {
		return b, fmt.Errorf("%s: no executor for %q: give its code, or map it with --executor-map", cols.Executor, v)
	}
	b.Executor = code
	return b, nil
}

// territoryOf resolves an OKTMO code (8 digits, or 11 of a settlement within a known municipality) or a name.
func territoryOf(refs *store.Refs, v string) (string, bool) {
	if t, ok := refs.TerritoryByOKTMO(v); ok {
		return t.OKTMO, true
	}
	if len(v) == 11 && isDigits(v) {
		if t, ok := refs.TerritoryByOKTMO(v[:8]); ok {
			return t.OKTMO, true
		}
	}
	k := normKey(v)
	for _, t := range refs.Territories {
		for _, n := range append([]string{t.Name, t.ShortName}, t.Variants...) {
			if n != "" && normKey(n) == k {
				return t.OKTMO, true
			}
		}
	}
	return "", false
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// normKey reduces an ОГРН, ИНН or organisation name to a comparable key: digits alone when the value is a
// number (spaces and dashes dropped), else lower-case words without quotes and punctuation, ё as е.
func normKey(s string) string {
	digits := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if isDigits(digits) {
		return digits
	}
	words := strings.FieldsFunc(strings.ReplaceAll(strings.ToLower(s), "ё", "е"), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return strings.Join(words, " ")
}

// ReadExecutorMap reads a CSV file of two columns with a header row: the value as the registry writes it
// (ОГРН, ИНН or name) and the executor code. Every code must exist.
func ReadExecutorMap(rd io.Reader, refs *store.Refs) (map[string]string, error) {
	f, err := openCSV(rd)
	if err != nil {
		return nil, err
	}
	if len(f.header) < 2 {
		return nil, fmt.Errorf("line 1: two columns expected (the registry's value, the executor code)")
	}
	m := map[string]string{}
	for {
		rec, line, err := f.next()
		if errors.Is(err, io.EOF) {
			return m, nil
		}
		if err != nil {
			return nil, err
		}
		k, code := normKey(field(rec, 0)), field(rec, 1)
		if k == "" && code == "" {
			continue
		}
		if k == "" {
			return nil, LineError{line, fmt.Errorf("empty value")}
		}
		if _, ok := refs.ExecutorByCode(code); !ok {
			return nil, LineError{line, fmt.Errorf("unknown executor %q", code)}
		}
		m[k] = code
	}
}
