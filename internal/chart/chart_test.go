package chart

import (
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func days(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%02d.11", i+1)
	}
	return out
}

func trend() ([]Series, LineOptions) {
	received := []float64{12, 15, 9, 20, 24, 8, 6, 14, 18, 22, 25, 19, 7, 5, 16, 21, 23, 27, 30, 11}
	answered := []float64{10, 12, 9, 15, 20, 8, 3, 11, 15, 20, 21, 18, 6, 2, 12, 19, 20, 22, 24, math.NaN()}
	return []Series{{Name: "Поступило", Values: received}, {Name: "Дан ответ", Values: answered}},
		LineOptions{ID: "trend", Title: "Обращения по дням", Labels: days(20)}
}

func breakdown() ([]Bar, BarsOptions) {
	return []Bar{
		{Label: "Администрация города Иркутска", Value: 412},
		{Label: `УК «Дом & Двор» <Север>`, Value: 128},
		{Label: "Министерство жилищной политики и энергетики Иркутской области", Value: 97},
		{Label: "Школа № 5", Value: 0},
		{Label: "Нет данных", Value: math.NaN(), Text: "—"},
	}, BarsOptions{ID: "executors", Title: "Обращения по исполнителям"}
}

func TestGolden(t *testing.T) {
	s, lo := trend()
	bars, bo := breakdown()
	cases := []struct {
		file string
		svg  string
	}{
		{"line.svg", string(Line(s, lo))},
		{"bars.svg", string(Bars(bars, bo))},
		{"sparkline.svg", string(Sparkline(s[0].Values, SparklineOptions{Title: "Поступило за 20 дней"}))},
		{"line_empty.svg", string(Line(nil, LineOptions{ID: "empty", Title: "Пусто"}))},
		{"bars_empty.svg", string(Bars(nil, BarsOptions{ID: "none", Title: "Пусто"}))},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join("testdata", c.file)
			if *update {
				if err := os.WriteFile(path, []byte(c.svg+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if c.svg+"\n" != string(want) {
				t.Errorf("%s differs from the golden file (go test ./internal/chart -update, then look at it)", c.file)
			}
			wellFormed(t, c.svg)
		})
	}
}

// wellFormed parses svg as XML and checks the accessibility and safety basics.
func wellFormed(t testing.TB, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	var first *xml.StartElement
	titles, descs := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if first == nil {
				c := se.Copy()
				first = &c
			}
			switch strings.ToLower(se.Name.Local) {
			case "script", "foreignobject", "image", "use", "a", "style":
				t.Fatalf("forbidden element <%s>", se.Name.Local)
			case "title":
				titles++
			case "desc":
				descs++
			}
			for _, a := range se.Attr {
				if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") || strings.Contains(strings.ToLower(a.Value), "javascript:") {
					t.Fatalf("forbidden attribute %s=%q", a.Name.Local, a.Value)
				}
			}
		}
	}
	if first == nil || first.Name.Local != "svg" {
		t.Fatalf("the root is not <svg>: %s", svg)
	}
	role := ""
	for _, a := range first.Attr {
		if a.Name.Local == "role" {
			role = a.Value
		}
	}
	if role != "img" || titles == 0 || descs != 1 {
		t.Fatalf("role %q, %d titles, %d descriptions", role, titles, descs)
	}
}

func TestLineReadableWithoutColour(t *testing.T) {
	s, lo := trend()
	svg := string(Line(s, lo))
	for _, want := range []string{
		`stroke-dasharray="7 4"`, // the second series is dashed
		`<circle`, `<rect`,       // and the two have different markers
		`>Поступило: 11<`, `>Дан ответ: 24<`, // direct labels at the line ends (the last NaN is skipped)
		`<title id="trend-t">Обращения по дням</title>`,
		"Поступило (сплошная линия, круглые маркеры): всего 332, от 5 до 30, последнее значение 11.",
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("line chart lacks %q", want)
		}
	}
	if strings.Count(svg, "<polyline") != 2 { // the trailing NaN ends the answered line without a second segment
		t.Errorf("%d polylines, want 2", strings.Count(svg, "<polyline"))
	}
}

func TestBarsLabels(t *testing.T) {
	bars, bo := breakdown()
	bo.Unit = ""
	svg := string(Bars(bars, bo))
	for _, want := range []string{
		`>412<`, `>128<`, `>0<`, `>—<`, // every bar carries its value as text
		`УК «Дом &amp; Двор» &lt;Север&gt;`, // escaped
		`>Министерство жилищной…<`,          // shortened on the bar…
		`<title>Министерство жилищной политики и энергетики Иркутской области: 97</title>`, // …whole in its title
		`fill="url(#executors-p)"`, // hatched, not only coloured
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("bars lack %q", want)
		}
	}
	if strings.Count(svg, "<rect") != 3+1 { // three positive bars and the pattern's tile
		t.Errorf("%d rects", strings.Count(svg, "<rect"))
	}
	if strings.Contains(svg, "<Север>") {
		t.Error("a label went out unescaped")
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"}, {7, "7"}, {1234, "1234"}, {12345, "12\u202f345"}, {1234567, "1\u202f234\u202f567"}, {2.5, "2,5"},
		{0.04, "0"}, {-3, "−3"}, {-0.01, "0"}, {99.96, "100"}, {math.NaN(), "—"}, {math.Inf(1), "∞"}, {12345.67, "12\u202f345,7"},
	}
	for _, tt := range tests {
		if got := Number(tt.in); got != tt.want {
			t.Errorf("Number(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNiceMax(t *testing.T) {
	tests := []struct{ in, top, step float64 }{
		{0, 1, 0.2}, {1, 1, 0.2}, {3, 3, 1}, {3.5, 4, 1}, {7, 8, 2}, {12, 20, 5}, {24, 25, 5}, {30, 30, 10}, {412, 500, 100}, {550, 600, 200}, {math.NaN(), 1, 0.2},
	}
	for _, tt := range tests {
		top, step := niceMax(tt.in)
		if math.Abs(top-tt.top) > 1e-9 || math.Abs(step-tt.step) > 1e-9 {
			t.Errorf("niceMax(%v) = %v, %v; want %v, %v", tt.in, top, step, tt.top, tt.step)
		}
	}
}

func TestEdgeCases(t *testing.T) {
	inf := math.Inf(1)
	for name, svg := range map[string]string{
		"one point":         string(Line([]Series{{Name: "a", Values: []float64{3}}}, LineOptions{Labels: []string{"01.11"}})),
		"negative":          string(Line([]Series{{Name: "a", Values: []float64{-5, 3, -1}}}, LineOptions{})),
		"all NaN":           string(Line([]Series{{Name: "a", Values: []float64{math.NaN(), inf}}}, LineOptions{})),
		"five series":       string(Line([]Series{{Name: "1", Values: []float64{1}}, {Name: "2"}, {Name: "3"}, {Name: "4"}, {Name: "5", Values: []float64{2, 1}}}, LineOptions{})),
		"tiny":              string(Line([]Series{{Name: "a", Values: []float64{1, 2}}}, LineOptions{Width: 1, Height: 1})),
		"many days":         string(Line([]Series{{Name: "a", Values: make([]float64, 400)}}, LineOptions{Labels: days(400)})),
		"bars negative inf": string(Bars([]Bar{{Label: "a", Value: -4}, {Label: "b", Value: inf}}, BarsOptions{Max: math.NaN()})),
		"spark empty":       string(Sparkline(nil, SparklineOptions{})),
		"spark flat":        string(Sparkline([]float64{2, 2, 2}, SparklineOptions{Title: "ровно"})),
		"spark one":         string(Sparkline([]float64{5}, SparklineOptions{})),
		"hostile id":        string(Line(nil, LineOptions{ID: `"><script>`})),
	} {
		t.Run(name, func(t *testing.T) {
			wellFormed(t, svg)
			if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
				t.Errorf("a non-finite number reached the drawing: %s", svg)
			}
		})
	}
}

func FuzzCharts(f *testing.F) {
	f.Add("Поступило", "УК «Дом»", 12.0, 3.5, 7)
	f.Add("<script>alert(1)</script>", "]]>&amp;\x00\xff", math.Inf(1), math.NaN(), 0)
	f.Add("", "\u2028\ufffe", -1e300, 1e-300, 400)
	f.Fuzz(func(t *testing.T, name, label string, a, b float64, n int) {
		n = max(0, n%500)
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = a + float64(i)*b
		}
		labels := make([]string, n)
		for i := range labels {
			labels[i] = label
		}
		wellFormed(t, string(Line([]Series{{Name: name, Values: vals}, {Name: label, Values: []float64{b, a}}}, LineOptions{Title: name, Desc: label, Labels: labels, ID: label})))
		wellFormed(t, string(Bars([]Bar{{Label: label, Value: a}, {Label: name, Value: b, Text: label}}, BarsOptions{Title: label, Unit: name, Max: b})))
		wellFormed(t, string(Sparkline(vals, SparklineOptions{Title: name})))
	})
}

func BenchmarkLine30Days(b *testing.B) {
	s, lo := trend()
	s[0].Values = append(s[0].Values, s[0].Values[:10]...)
	s[1].Values = append(s[1].Values, s[1].Values[:10]...)
	lo.Labels = days(30)
	for b.Loop() {
		Line(s, lo)
	}
}

func BenchmarkBars40(b *testing.B) {
	bars := make([]Bar, 40)
	for i := range bars {
		bars[i] = Bar{Label: fmt.Sprintf("Территория № %d", i), Value: float64(1000 - 20*i)}
	}
	for b.Loop() {
		Bars(bars, BarsOptions{Title: "По территориям"})
	}
}

func BenchmarkSparkline(b *testing.B) {
	s, _ := trend()
	for b.Loop() {
		Sparkline(s[0].Values, SparklineOptions{Title: "Поступило"})
	}
}
