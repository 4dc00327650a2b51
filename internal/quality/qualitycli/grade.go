package qualitycli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/otklik/otklik/internal/quality"
)

const usage = `Grade official answers from CSV files: promptness, plain language, informativeness (0–100 each) and the
formal-reply (отписка) flag. The formulas are described in docs/quality.md.

Usage:
  otklik grade --data FILE.csv[,FILE2.csv] --answer-col NAME [--question-col NAME]
               [--created-col NAME --answered-col NAME] [--kind-col NAME] [--id-col NAME]
               [--questions FILE.csv --key NAME] [--deadline 24h] [--json [--reasons]] [--progress]

The answers are read from --data (give several files comma-separated or repeat the flag; each must have the
same columns) one row at a time. When the questions live in another file (the resident's messages), give it as
--questions and name the column that joins both with --key (present in both files): only the columns named by
--question-col, --created-col, --answered-col and --kind-col are kept from it, so memory stays small. Every
column flag is looked up in the answers file first, then in the questions file.

Without --json a summary is printed: the distribution of each grade (mean, deciles, histogram), the share of
formal replies and the most frequent reasons. With --json one JSON object per answer row is written:
{"id":…, "prompt":…, "plain":…, "informative":…, "formal":true|false, "formal_reasons":[…], …}; "prompt" is
present only when both times are known. Times are ISO 8601 (2020-10-18T14:50:40, with or without a zone, or
with a space), or «18.10.2020 14:50».

Flags:
`

const example = `
Example (the St Petersburg portal answers joined with the messages):
  otklik grade --data answers_part1.csv,answers_part2.csv --answer-col answer_text \
    --questions messages.csv --key id --question-col text --created-col created_at --answered-col answer_at \
    --kind-col status --deadline 24h
`

type multiFlag []string

func (m *multiFlag) String() string { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*m = append(*m, p)
		}
	}
	return nil
}

type options struct {
	data                                  multiFlag
	answerCol, questionCol, createdCol    string
	answeredCol, kindCol, idCol, proofCol string
	questions, key                        string
	deadline                              time.Duration
	asJSON, reasons, progress             bool
}

// GradeCommand is `otklik grade`.
func GradeCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var o options
	fs := flag.NewFlagSet("grade", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
		fmt.Fprint(stderr, example)
	}
	fs.Var(&o.data, "data", "answers CSV file(s), comma-separated or repeated; «-» is standard input (required)")
	fs.StringVar(&o.answerCol, "answer-col", "", "column with the answer text (required)")
	fs.StringVar(&o.questionCol, "question-col", "", "column with the resident's message (for relevance)")
	fs.StringVar(&o.createdCol, "created-col", "", "column with the time the message arrived")
	fs.StringVar(&o.answeredCol, "answered-col", "", "column with the time of the (first) answer")
	fs.StringVar(&o.kindCol, "kind-col", "", "column saying interim/final («interim», «промежуточный», «Промежуточный ответ» mean interim)")
	fs.StringVar(&o.idCol, "id-col", "", "column copied to the JSON as \"id\" (default: --key, or \"id\" when present)")
	fs.StringVar(&o.proofCol, "proof-col", "", "column that is non-empty/true/1 when photos are attached (then proof is required)")
	fs.StringVar(&o.questions, "questions", "", "CSV file with the messages to join with the answers on --key")
	fs.StringVar(&o.key, "key", "", "column joining --data and --questions (e.g. id)")
	fs.DurationVar(&o.deadline, "deadline", 24*time.Hour, "deadline for the first answer, for promptness")
	fs.BoolVar(&o.asJSON, "json", false, "write one JSON object per answer instead of the summary")
	fs.BoolVar(&o.reasons, "reasons", false, "with --json, include the reason texts, not only their codes")
	fs.BoolVar(&o.progress, "progress", false, "show a progress bar on standard error even when it is not a terminal")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("grade: unexpected arguments %q", fs.Args())
	}
	if len(o.data) == 0 || o.answerCol == "" {
		fs.Usage()
		return errors.New("grade: --data and --answer-col are required")
	}
	if (o.questions == "") != (o.key == "") {
		return errors.New("grade: --questions and --key go together")
	}
	if (o.createdCol == "") != (o.answeredCol == "") {
		return errors.New("grade: --created-col and --answered-col go together")
	}
	if o.deadline <= 0 {
		return fmt.Errorf("grade: --deadline must be positive, got %v", o.deadline)
	}
	return run(ctx, &o, stdin, stdout, stderr)
}

// joined holds the kept columns of one message.
type joined struct {
	question, created, answered, kind string
}

// loadQuestions reads the columns the answers need from the questions file, keyed by key.
func loadQuestions(ctx context.Context, o *options, need map[string]bool, stdin io.Reader) (map[string]joined, error) {
	c, err := openCSV(o.questions, stdin)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	ki := c.col(o.key)
	if ki < 0 {
		return nil, fmt.Errorf("grade: %s: no key column %q", o.questions, o.key)
	}
	col := func(name string) int {
		if !need[name] {
			return -1
		}
		return c.col(name)
	}
	qi, ci, ai, kd := col(o.questionCol), col(o.createdCol), col(o.answeredCol), col(o.kindCol)
	m := map[string]joined{}
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		rec, err := c.r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("grade: %s: %w", o.questions, err)
		}
		// copy: the reader reuses its record and the strings point into one buffer per record
		m[strings.Clone(field(rec, ki))] = joined{
			question: strings.Clone(field(rec, qi)), created: strings.Clone(field(rec, ci)),
			answered: strings.Clone(field(rec, ai)), kind: strings.Clone(field(rec, kd)),
		}
	}
	return m, nil
}

// row is one graded answer in the JSON output.
type row struct {
	ID                 string            `json:"id,omitempty"`
	Prompt             *int              `json:"prompt,omitempty"`
	Plain              int               `json:"plain"`
	Informative        int               `json:"informative"`
	Formal             bool              `json:"formal"`
	FormalReasons      []string          `json:"formal_reasons,omitempty"`
	PromptReasons      []string          `json:"prompt_reasons,omitempty"`
	PlainReasons       []string          `json:"plain_reasons,omitempty"`
	InformativeReasons []string          `json:"informative_reasons,omitempty"`
	Texts              map[string]string `json:"reason_texts,omitempty"`
	Kind               string            `json:"kind"`
	Unjoined           bool              `json:"unjoined,omitempty"`
}

func codes(rs []quality.Reason, texts map[string]string) []string {
	if len(rs) == 0 {
		return nil
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Code
		if texts != nil {
			texts[r.Code] = r.Text
		}
	}
	return out
}

func run(ctx context.Context, o *options, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg := quality.DefaultConfig()
	cfg.Deadline = o.deadline
	g := quality.NewGrader(cfg)
	start := time.Now()

	// Which columns come from the questions file: those the first answers file lacks.
	first, err := openCSV(o.data[0], stdin)
	if err != nil {
		return err
	}
	if first.col(o.answerCol) < 0 {
		first.Close()
		return fmt.Errorf("grade: %s: no answer column %q (columns: %s)", o.data[0], o.answerCol, columns(first))
	}
	need := map[string]bool{}
	for _, c := range []string{o.questionCol, o.createdCol, o.answeredCol, o.kindCol} {
		if c != "" && first.col(c) < 0 {
			if o.questions == "" {
				first.Close()
				return fmt.Errorf("grade: %s: no column %q and no --questions file to take it from", o.data[0], c)
			}
			need[c] = true
		}
	}
	var qs map[string]joined
	if o.questions != "" {
		if qs, err = loadQuestions(ctx, o, need, stdin); err != nil {
			first.Close()
			return err
		}
	}
	idCol := o.idCol
	if idCol == "" {
		idCol = o.key
		if idCol == "" && first.col("id") >= 0 {
			idCol = "id"
		}
	}

	var bar *progressbar.ProgressBar
	if o.progress || isTerminal(stderr) {
		bar = progressbar.NewOptions(-1, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("grading"),
			progressbar.OptionShowCount(), progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(stderr) }))
	}
	w := bufio.NewWriterSize(stdout, 64<<10)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	var sum summary
	sum.init()

	for fi, name := range o.data {
		c := first
		if fi > 0 {
			if c, err = openCSV(name, stdin); err != nil {
				return err
			}
		}
		err := gradeFile(ctx, c, o, qs, idCol, g, enc, &sum, bar)
		c.Close()
		if err != nil {
			return err
		}
	}
	if bar != nil {
		bar.Finish()
	}
	el := time.Since(start)
	if !o.asJSON {
		sum.print(w, o)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("grade: write: %w", err)
	}
	if sum.n > 0 {
		fmt.Fprintf(stderr, "graded %d answers in %.2fs (%.0f answers/s)\n", sum.n, el.Seconds(), float64(sum.n)/el.Seconds())
	}
	return nil
}

func columns(c *csvFile) string {
	names := make([]string, 0, len(c.header))
	for k := range c.header {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func gradeFile(ctx context.Context, c *csvFile, o *options, qs map[string]joined, idCol string, g *quality.Grader,
	enc *json.Encoder, sum *summary, bar *progressbar.ProgressBar) error {
	ai := c.col(o.answerCol)
	if ai < 0 {
		return fmt.Errorf("grade: %s: no answer column %q", c.name, o.answerCol)
	}
	qi, ci, wi, kd := c.col(o.questionCol), c.col(o.createdCol), c.col(o.answeredCol), c.col(o.kindCol)
	ki, ii, pi := c.col(o.key), c.col(idCol), c.col(o.proofCol)
	if o.key != "" && ki < 0 {
		return fmt.Errorf("grade: %s: no key column %q", c.name, o.key)
	}
	for n := 0; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec, err := c.r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("grade: %s: %w", c.name, err)
		}
		var j joined
		unjoined := false
		if qs != nil {
			var ok bool
			j, ok = qs[field(rec, ki)]
			unjoined = !ok
		}
		pick := func(i int, fromJoin string) string {
			if i >= 0 {
				return field(rec, i)
			}
			return fromJoin
		}
		in := quality.Input{
			Answer:   field(rec, ai),
			Question: pick(qi, j.question),
			Kind:     quality.ParseKind(pick(kd, j.kind)),
		}
		if pi >= 0 {
			v := strings.ToLower(strings.TrimSpace(field(rec, pi)))
			in.ProofRequired = true
			in.ProofAttached = v != "" && v != "0" && v != "false" && v != "нет"
		}
		timed := o.createdCol != ""
		if timed {
			ct, err1 := ParseTime(pick(ci, j.created))
			at, err2 := ParseTime(pick(wi, j.answered))
			if err1 == nil && err2 == nil {
				in.Created, in.Answered = ct, at
			} else {
				sum.badTimes++
			}
		}
		gr := g.Grade(in)
		sum.add(&gr, unjoined)
		if o.asJSON {
			r := row{ID: field(rec, ii), Plain: gr.Plain, Informative: gr.Informative, Formal: gr.Formal, Kind: in.Kind.String(), Unjoined: unjoined}
			if gr.HasPrompt {
				p := gr.Prompt
				r.Prompt = &p
			}
			var texts map[string]string
			if o.reasons {
				texts = map[string]string{}
			}
			r.FormalReasons = codes(gr.FormalReasons, texts)
			r.PromptReasons = codes(gr.PromptReasons, texts)
			r.PlainReasons = codes(gr.PlainReasons, texts)
			r.InformativeReasons = codes(gr.InformativeReasons, texts)
			r.Texts = texts
			if err := enc.Encode(&r); err != nil {
				return fmt.Errorf("grade: write: %w", err)
			}
		}
		if bar != nil {
			bar.Add(1)
		}
	}
}

// isTerminal reports whether w is a character device.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// summary accumulates the distributions.
type summary struct {
	n, formal, unjoined, badTimes, prompted int
	hist                                    [3][101]int // prompt, plain, informative
	reasons                                 map[string]int
}

func (s *summary) init() { s.reasons = map[string]int{} }

func (s *summary) add(g *quality.Grades, unjoined bool) {
	s.n++
	if g.Formal {
		s.formal++
	}
	if unjoined {
		s.unjoined++
	}
	if g.HasPrompt {
		s.prompted++
		s.hist[0][g.Prompt]++
	}
	s.hist[1][g.Plain]++
	s.hist[2][g.Informative]++
	for _, rs := range [][]quality.Reason{g.FormalReasons, g.PromptReasons, g.PlainReasons, g.InformativeReasons} {
		for _, r := range rs {
			s.reasons[r.Code]++
		}
	}
}

// quantile returns the q-quantile of a 0..100 histogram with total n.
func quantile(h *[101]int, n int, q float64) int {
	if n == 0 {
		return -1
	}
	target := int(q*float64(n-1)) + 1
	acc := 0
	for v, c := range h {
		acc += c
		if acc >= target {
			return v
		}
	}
	return 100
}

func (s *summary) print(w io.Writer, o *options) {
	fmt.Fprintf(w, "answers graded: %d", s.n)
	if s.unjoined > 0 {
		fmt.Fprintf(w, " (%d without a matching --questions row)", s.unjoined)
	}
	if s.badTimes > 0 {
		fmt.Fprintf(w, " (%d with unreadable times)", s.badTimes)
	}
	fmt.Fprintln(w)
	if s.n == 0 {
		return
	}
	fmt.Fprintf(w, "formal replies (отписки): %d (%.1f%%)\n\n", s.formal, 100*float64(s.formal)/float64(s.n))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "grade\tn\tmean\tp10\tp20\tp30\tp40\tp50\tp60\tp70\tp80\tp90\t")
	names := [3]string{"prompt", "plain", "informative"}
	for k := 0; k < 3; k++ {
		n := s.n
		if k == 0 {
			n = s.prompted
			if n == 0 {
				continue
			}
		}
		sum := 0
		for v, c := range s.hist[k] {
			sum += v * c
		}
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t", names[k], n, float64(sum)/float64(n))
		for d := 1; d <= 9; d++ {
			fmt.Fprintf(tw, "%d\t", quantile(&s.hist[k], n, float64(d)/10))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nhistogram (share of answers per band):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "band\tprompt\tplain\tinformative\t")
	for b := 0; b < 10; b++ {
		lo, hi := b*10, b*10+9
		if b == 9 {
			hi = 100
		}
		fmt.Fprintf(tw, "%d–%d\t", lo, hi)
		for k := 0; k < 3; k++ {
			n := s.n
			if k == 0 {
				n = s.prompted
			}
			c := 0
			for v := lo; v <= hi; v++ {
				c += s.hist[k][v]
			}
			if n == 0 {
				fmt.Fprint(tw, "–\t")
			} else {
				fmt.Fprintf(tw, "%.1f%%\t", 100*float64(c)/float64(n))
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	type kv struct {
		k string
		v int
	}
	var rs []kv
	for k, v := range s.reasons {
		rs = append(rs, kv{k, v})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].v > rs[j].v || rs[i].v == rs[j].v && rs[i].k < rs[j].k })
	fmt.Fprintln(w, "\nreasons (share of answers):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%d\t%.1f%%\n", r.k, r.v, 100*float64(r.v)/float64(s.n))
	}
	tw.Flush()
}
