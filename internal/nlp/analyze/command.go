package analyze

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/otklik/otklik/internal/nlp"
	"github.com/otklik/otklik/internal/nlp/appeal"
	"github.com/otklik/otklik/internal/nlp/geo"
)

const analyzeUsage = `Использование: otklik analyze [--json] [--model ФАЙЛ] [--fallback-territory ОКТМО] [ТЕКСТ]

Показывает, что Отклик понимает в каждом сообщении: обращение это, благодарность
или прочее (с вероятностью), три самые вероятные темы, муниципальное образование,
адрес и приоритет. Одно сообщение на строку: из аргумента ТЕКСТ (он может
содержать несколько строк) или, если его нет, со стандартного ввода. Пустые
строки пропускаются.

Флаги:
`

const analyzeExample = `
Пример:
  otklik analyze "В Ангарске на улице Ленина 5 третий день нет отопления"
  cat messages.txt | otklik analyze --json --fallback-territory 25703000
`

// AnalyzeCommand is `otklik analyze`: it analyses one message per line from
// its argument or standard input and prints the analysis of each, human
// readable or (with --json) as one JSON object per line.
func AnalyzeCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "печатать по одному JSON-объекту на строку (ключи kind, kind_p, topic, topic_p, topics, territory, territory_id, territory_p, address, priority, priority_reasons)")
	modelPath := fs.String("model", "", "`файл` модели тем (по умолчанию встроенная базовая модель, если она есть)")
	fallback := fs.String("fallback-territory", "", "`ОКТМО` территории источника: она берется, когда в тексте территория не названа")
	fs.Usage = func() {
		fmt.Fprint(stderr, analyzeUsage)
		fs.PrintDefaults()
		fmt.Fprint(stderr, analyzeExample)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}

	det, err := appeal.Default()
	if err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	cfg := Config{
		Detector:          det,
		Gazetteer:         geo.IrkutskGazetteer(),
		Urgency:           defaultUrgency(),
		FallbackTerritory: *fallback,
	}
	if *modelPath != "" {
		m, err := nlp.LoadFile(*modelPath)
		if err != nil {
			return fmt.Errorf("analyze: %w", err)
		}
		cfg.Topics = m
	} else if m, err := defaultTopics(); err != nil {
		return fmt.Errorf("analyze: %w", err)
	} else if m != nil {
		cfg.Topics = m
	}
	an, err := New(cfg)
	if err != nil {
		return err
	}

	var in io.Reader = stdin
	if fs.NArg() > 0 {
		in = strings.NewReader(strings.Join(fs.Args(), " "))
	} else if stdin == nil {
		return errors.New("analyze: no text given and no standard input")
	}
	bw := bufio.NewWriter(stdout)
	defer bw.Flush()
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	n := 0
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		n++
		a := an.Analyze(line)
		if *asJSON {
			if err := enc.Encode(a); err != nil {
				return fmt.Errorf("analyze: write: %w", err)
			}
			continue
		}
		writeHuman(bw, n, line, a)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("analyze: read input: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("analyze: write: %w", err)
	}
	return nil
}

var kindNames = map[string]string{
	appeal.KindAppeal:    "обращение",
	appeal.KindGratitude: "благодарность",
	appeal.KindOther:     "не обращение",
}

var priorityNames = map[string]string{
	"urgent": "срочный",
	"high":   "высокий",
	"normal": "обычный",
}

func writeHuman(w io.Writer, n int, text string, a Analysis) {
	const maxShown = 100
	shown := text
	if r := []rune(text); len(r) > maxShown {
		shown = string(r[:maxShown]) + "…"
	}
	fmt.Fprintf(w, "%d. %s\n", n, shown)
	fmt.Fprintf(w, "   вид: %s (%.2f)\n", kindNames[a.Kind], a.KindP)
	if len(a.Topics) > 0 {
		parts := make([]string, len(a.Topics))
		for i, t := range a.Topics {
			parts[i] = fmt.Sprintf("%s (%.2f)", t.Label, t.P)
		}
		fmt.Fprintf(w, "   темы: %s\n", strings.Join(parts, "; "))
	}
	if a.Territory != "" {
		fmt.Fprintf(w, "   территория: %s, ОКТМО %s (%.2f)\n", a.Territory, a.TerritoryID, a.TerritoryP)
	} else {
		fmt.Fprintf(w, "   территория: не найдена\n")
	}
	if a.Address != "" {
		fmt.Fprintf(w, "   адрес: %s\n", a.Address)
	} else {
		fmt.Fprintf(w, "   адрес: не найден\n")
	}
	if a.Priority != "" {
		p := priorityNames[a.Priority]
		if p == "" {
			p = a.Priority
		}
		if len(a.PriorityReasons) > 0 {
			fmt.Fprintf(w, "   приоритет: %s — %s\n", p, strings.Join(a.PriorityReasons, ", "))
		} else {
			fmt.Fprintf(w, "   приоритет: %s\n", p)
		}
	}
}
