// Package chart draws small charts as inline SVG on the server: a line chart for daily trends, horizontal bars
// for breakdowns and a sparkline. The charts are readable without colour — series differ by dash pattern and
// marker shape and are named at their ends, every bar carries its value as text — and carry a <title> and a
// <desc> for screen readers. They use no script, no external font and no external resource, so they pass a
// strict Content-Security-Policy, and every label is escaped: the output is always well-formed XML. The package
// is pure: no I/O, no global mutable state.
package chart

import (
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"html/template"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Series is one line of a line chart.
type Series struct {
	Name   string    // shown in the legend and at the line's end
	Values []float64 // one per label; NaN leaves a gap
}

// styles tell series apart without colour: a dash pattern and a marker each; the colour only helps.
var styles = []struct {
	dash   string
	marker string
	color  string
	legend string // the pattern in words, for the description
}{
	{"", "circle", "#1f4e79", "сплошная линия, круглые маркеры"},
	{"7 4", "square", "#a34400", "штриховая линия, квадратные маркеры"},
	{"2 3", "triangle", "#2e6b30", "пунктирная линия, треугольные маркеры"},
	{"10 3 2 3", "diamond", "#6a1b9a", "штрихпунктирная линия, ромбовидные маркеры"},
}

// LineOptions configure a line chart.
type LineOptions struct {
	ID     string   // prefix of the element ids (unique on the page); derived from the content when empty
	Title  string   // read first by screen readers and shown as a tooltip
	Desc   string   // a longer description; generated from the data when empty
	Labels []string // the x-axis labels, one per value (days: "01.11")
	Width  int      // 640 by default
	Height int      // 240 by default
	// LabelEvery shows every n-th x label (0: as many as fit without overlapping).
	LabelEvery int
}

// BarsOptions configure a horizontal bar chart.
type BarsOptions struct {
	ID         string
	Title      string
	Desc       string // generated from the data when empty
	Width      int    // 640 by default
	LabelWidth int    // width of the label column, 220 by default; longer labels are shortened with "…"
	Max        float64
	Unit       string // appended to value labels ("%", " ч")
}

// Bar is one bar.
type Bar struct {
	Label string
	Value float64
	// Text replaces the value label (for "12 из 40" or "—"); empty: the value formatted with the unit.
	Text string
}

// SparklineOptions configure a sparkline.
type SparklineOptions struct {
	Title  string // the accessible name: say what the line is ("Поступило за 30 дней")
	Width  int    // 120 by default
	Height int    // 28 by default
}

func writeText(b *strings.Builder, s string) {
	_ = xml.EscapeText(b, []byte(s)) // replaces characters XML cannot carry; a strings.Builder never fails
}

func esc(s string) string {
	var b strings.Builder
	writeText(&b, s)
	return b.String()
}

// shorten cuts s to at most n runes, between words when it can, marking the cut with an ellipsis.
func shorten(s string, n int) string {
	if n < 2 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	for i := len(r) - 1; i > len(r)/2; i-- { // prefer to cut between words
		if r[i] == ' ' {
			r = r[:i]
			break
		}
	}
	return strings.TrimSpace(string(r)) + "…"
}

// Number formats v the Russian way: a decimal comma, a narrow no-break space between thousands, one decimal
// for fractions, "—" for NaN.
func Number(v float64) string {
	switch {
	case math.IsNaN(v):
		return "—"
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "−∞"
	}
	neg := v < 0
	v = math.Abs(v)
	var s string
	if r := math.Round(v); math.Abs(v-r) < 0.05 || v >= 1e15 {
		s = group(strconv.FormatFloat(r, 'f', 0, 64))
	} else {
		whole, frac, _ := strings.Cut(strconv.FormatFloat(v, 'f', 1, 64), ".")
		s = group(whole) + "," + frac
	}
	if neg && s != "0" {
		s = "−" + s
	}
	return s
}

func group(digits string) string {
	if len(digits) <= 4 {
		return digits
	}
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	return b.String()
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// niceMax rounds v up to a round multiple of a power of ten (1, 2, 2.5, 3, 4, 5, 6, 8 or 10 times) and returns
// it with a round tick step that gives three to five intervals.
func niceMax(v float64) (top, step float64) {
	if !(v > 0) || !finite(v) {
		return 1, 0.2
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []struct{ top, step float64 }{{1, 0.2}, {2, 0.5}, {2.5, 0.5}, {3, 1}, {4, 1}, {5, 1}, {6, 2}, {8, 2}, {10, 2}} {
		if m.top*p >= v {
			return m.top * p, m.step * p
		}
	}
	return 10 * p, 2 * p
}

func chartID(prefix string, parts ...string) string {
	if prefix != "" {
		var b strings.Builder
		for _, r := range prefix {
			if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				b.WriteRune(r)
			}
		}
		if b.Len() > 0 {
			return b.String()
		}
	}
	h := fnv.New32a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return fmt.Sprintf("chart-%08x", h.Sum32())
}

func f1(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// open writes the svg element with its accessible name and description.
func open(b *strings.Builder, id string, w, h int, title, desc string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-t %s-d" class="chart" font-family="system-ui, sans-serif" font-size="12">`,
		w, h, w, h, id, id)
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
}

func marker(b *strings.Builder, kind string, x, y float64, color string) {
	switch kind {
	case "square":
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="7" height="7" fill="#fff" stroke="%s" stroke-width="1.5"/>`, f1(x-3.5), f1(y-3.5), color)
	case "triangle":
		fmt.Fprintf(b, `<path d="M%s %sL%s %sL%s %sZ" fill="%s"/>`, f1(x), f1(y-4.5), f1(x+4.5), f1(y+3.5), f1(x-4.5), f1(y+3.5), color)
	case "diamond":
		fmt.Fprintf(b, `<path d="M%s %sL%s %sL%s %sL%s %sZ" fill="#fff" stroke="%s" stroke-width="1.5"/>`, f1(x), f1(y-4.5), f1(x+4.5), f1(y), f1(x), f1(y+4.5), f1(x-4.5), f1(y), color)
	default:
		fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="3.5" fill="%s"/>`, f1(x), f1(y), color)
	}
}

// Line draws series over shared x labels (at most four series are styled apart; more reuse the styles). Values
// missing at the end of a shorter series, NaN and infinities leave gaps.
func Line(series []Series, opts LineOptions) template.HTML {
	w, h := opts.Width, opts.Height
	if w <= 0 {
		w = 640
	}
	if h <= 0 {
		h = 240
	}
	n := len(opts.Labels)
	for _, s := range series {
		n = max(n, len(s.Values))
	}
	maxV, minV, any := 0.0, 0.0, false
	for _, s := range series {
		for _, v := range s.Values {
			if finite(v) {
				maxV, minV, any = math.Max(maxV, v), math.Min(minV, v), true
			}
		}
	}
	top, step := niceMax(maxV)
	bottom := 0.0
	if minV < 0 {
		nb, _ := niceMax(-minV)
		bottom = -nb
		step = (top - bottom) / 4
	}
	const left, legendH, bottomM = 48.0, 26.0, 30.0
	right := 118.0
	x0, x1, y0, y1 := left, float64(w)-right, legendH+8, float64(h)-bottomM
	if x1 < x0+20 {
		x1 = x0 + 20
	}
	if y1 < y0+20 {
		y1 = y0 + 20
	}
	xAt := func(i int) float64 {
		if n <= 1 {
			return (x0 + x1) / 2
		}
		return x0 + float64(i)*(x1-x0)/float64(n-1)
	}
	yAt := func(v float64) float64 { return y1 - (v-bottom)/(top-bottom)*(y1-y0) }

	var names []string
	for _, s := range series {
		names = append(names, s.Name)
	}
	id := chartID(opts.ID, append([]string{"line", opts.Title}, append(names, opts.Labels...)...)...)
	desc := opts.Desc
	if desc == "" {
		desc = lineDesc(series, opts.Labels)
	}
	var b strings.Builder
	open(&b, id, w, h, opts.Title, desc)

	// Grid and y axis.
	b.WriteString(`<g aria-hidden="true">`)
	for v := bottom; v <= top+step/2; v += step {
		y := yAt(v)
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#d0d0d0" stroke-width="1"/>`, f1(x0), f1(y), f1(x1), f1(y))
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" fill="#333">%s</text>`, f1(x0-6), f1(y+4), esc(Number(v)))
	}
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#555" stroke-width="1"/>`, f1(x0), f1(y1), f1(x1), f1(y1))
	every := opts.LabelEvery
	if every <= 0 {
		fit := int((x1 - x0) / 44)
		every = 1
		if fit > 0 && len(opts.Labels) > fit {
			every = (len(opts.Labels) + fit - 1) / fit
		}
	}
	for i, l := range opts.Labels {
		if i%every != 0 {
			continue
		}
		x := xAt(i)
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#555"/>`, f1(x), f1(y1), f1(x), f1(y1+4))
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="#333">%s</text>`, f1(x), f1(y1+17), esc(shorten(l, 12)))
	}
	b.WriteString(`</g>`)

	// Legend: a sample of each line with its marker and name.
	lx := x0
	for i, s := range series {
		st := styles[i%len(styles)]
		fmt.Fprintf(&b, `<g aria-hidden="true"><line x1="%s" y1="12" x2="%s" y2="12" stroke="%s" stroke-width="2.5"%s/>`, f1(lx), f1(lx+28), st.color, dashAttr(st.dash))
		marker(&b, st.marker, lx+14, 12, st.color)
		name := shorten(s.Name, 28)
		fmt.Fprintf(&b, `<text x="%s" y="16" fill="#222">%s</text></g>`, f1(lx+34), esc(name))
		lx += 34 + 7.5*float64(utf8.RuneCountInString(name)) + 18
	}

	// Lines, markers and direct labels at the ends.
	markEvery := 1
	if n > 32 {
		markEvery = (n + 31) / 32
	}
	type endLabel struct {
		y     float64
		text  string
		color string
	}
	var ends []endLabel
	for i, s := range series {
		st := styles[i%len(styles)]
		fmt.Fprintf(&b, `<g><title>%s</title>`, esc(s.Name))
		var seg []string
		flush := func() {
			if len(seg) > 1 {
				fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2.5" stroke-linejoin="round"%s points="%s"/>`, st.color, dashAttr(st.dash), strings.Join(seg, " "))
			}
			seg = seg[:0]
		}
		last := -1
		for j, v := range s.Values {
			if !finite(v) {
				flush()
				continue
			}
			seg = append(seg, f1(xAt(j))+","+f1(yAt(v)))
			last = j
		}
		flush()
		for j, v := range s.Values {
			if finite(v) && (j%markEvery == 0 || j == last) {
				marker(&b, st.marker, xAt(j), yAt(v), st.color)
			}
		}
		b.WriteString(`</g>`)
		if last >= 0 {
			ends = append(ends, endLabel{yAt(s.Values[last]), shorten(s.Name, 16) + ": " + Number(s.Values[last]), st.color})
		}
	}
	if !any {
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="#333">Нет данных</text>`, f1((x0+x1)/2), f1((y0+y1)/2))
	}
	sort.SliceStable(ends, func(i, j int) bool { return ends[i].y < ends[j].y })
	for i := 1; i < len(ends); i++ {
		if ends[i].y < ends[i-1].y+14 {
			ends[i].y = ends[i-1].y + 14
		}
	}
	for _, e := range ends {
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="#222" aria-hidden="true">%s</text>`, f1(x1+8), f1(e.y+4), esc(e.text))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text and attribute above is escaped or generated from numbers
}

func dashAttr(d string) string {
	if d == "" {
		return ""
	}
	return ` stroke-dasharray="` + d + `"`
}

// lineDesc describes the data in words: per series its style, total, minimum, maximum and last value.
func lineDesc(series []Series, labels []string) string {
	var b strings.Builder
	if len(labels) > 0 {
		fmt.Fprintf(&b, "Период: %s — %s. ", labels[0], labels[len(labels)-1])
	}
	for i, s := range series {
		st := styles[i%len(styles)]
		sum, minV, maxV, cnt := 0.0, math.Inf(1), math.Inf(-1), 0
		lastV := math.NaN()
		for _, v := range s.Values {
			if finite(v) {
				sum, minV, maxV, cnt, lastV = sum+v, math.Min(minV, v), math.Max(maxV, v), cnt+1, v
			}
		}
		if cnt == 0 {
			fmt.Fprintf(&b, "%s (%s): нет данных. ", s.Name, st.legend)
			continue
		}
		fmt.Fprintf(&b, "%s (%s): всего %s, от %s до %s, последнее значение %s. ", s.Name, st.legend, Number(sum), Number(minV), Number(maxV), Number(lastV))
	}
	return strings.TrimSpace(b.String())
}

// Bars draws one horizontal bar per item, in the given order, each labelled with its name on the left and its
// value on the right of the bar. Negative and non-finite values draw no bar; their text still shows.
func Bars(items []Bar, opts BarsOptions) template.HTML {
	w := opts.Width
	if w <= 0 {
		w = 640
	}
	lw := opts.LabelWidth
	if lw <= 0 {
		lw = 220
	}
	const rowH, gap, pad = 22.0, 6.0, 4.0
	h := int(pad*2 + float64(len(items))*(rowH+gap))
	if len(items) == 0 {
		h = 32
	}
	maxV := opts.Max
	if !(maxV > 0) || !finite(maxV) {
		maxV = 0
		for _, it := range items {
			if finite(it.Value) {
				maxV = math.Max(maxV, it.Value)
			}
		}
	}
	if maxV <= 0 {
		maxV = 1
	}
	barX := float64(lw) + 8
	barMax := float64(w) - barX - 90
	if barMax < 10 {
		barMax = 10
	}
	labels := make([]string, 0, len(items))
	for _, it := range items {
		labels = append(labels, it.Label)
	}
	id := chartID(opts.ID, append([]string{"bars", opts.Title}, labels...)...)
	desc := opts.Desc
	if desc == "" {
		var d strings.Builder
		for i, it := range items {
			if i > 0 {
				d.WriteString("; ")
			}
			fmt.Fprintf(&d, "%s: %s", it.Label, barText(it, opts.Unit))
		}
		if len(items) == 0 {
			d.WriteString("Нет данных.")
		}
		desc = d.String()
	}
	var b strings.Builder
	open(&b, id, w, h, opts.Title, desc)
	b.WriteString(`<defs><pattern id="` + id + `-p" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#4a6f94"/><line x1="0" y1="0" x2="0" y2="6" stroke="#2c4a66" stroke-width="2"/></pattern></defs>`)
	if len(items) == 0 {
		b.WriteString(`<text x="8" y="20" fill="#333">Нет данных</text>`)
	}
	maxChars := max(4, int(float64(lw)/7.6)) // a Cyrillic letter is about 7.5 px wide at 12 px
	for i, it := range items {
		y := pad + float64(i)*(rowH+gap)
		fmt.Fprintf(&b, `<g><title>%s: %s</title>`, esc(it.Label), esc(barText(it, opts.Unit)))
		fmt.Fprintf(&b, `<text x="%d" y="%s" text-anchor="end" fill="#222">%s</text>`, lw, f1(y+rowH/2+4), esc(shorten(it.Label, maxChars)))
		bw := 0.0
		if finite(it.Value) && it.Value > 0 {
			bw = math.Min(it.Value/maxV, 1) * barMax
		}
		if bw > 0 {
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="url(#%s-p)" stroke="#1d3347" stroke-width="1"/>`, f1(barX), f1(y+2), f1(math.Max(bw, 1)), f1(rowH-4), id)
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="#111" font-weight="600">%s</text></g>`, f1(barX+bw+6), f1(y+rowH/2+4), esc(barText(it, opts.Unit)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text and attribute above is escaped or generated from numbers
}

func barText(it Bar, unit string) string {
	if it.Text != "" {
		return it.Text
	}
	if !finite(it.Value) {
		return "—"
	}
	return Number(it.Value) + unit
}

// Sparkline draws values as a small line with a dot on the last value. The title is its accessible name; the
// description gives the minimum, maximum and last value.
func Sparkline(values []float64, opts SparklineOptions) template.HTML {
	w, h := opts.Width, opts.Height
	if w <= 0 {
		w = 120
	}
	if h <= 0 {
		h = 28
	}
	minV, maxV, lastI := math.Inf(1), math.Inf(-1), -1
	for i, v := range values {
		if finite(v) {
			minV, maxV, lastI = math.Min(minV, v), math.Max(maxV, v), i
		}
	}
	id := chartID("", "spark", opts.Title, fmt.Sprint(values))
	desc := "Нет данных."
	if lastI >= 0 {
		desc = fmt.Sprintf("Наименьшее %s, наибольшее %s, последнее %s.", Number(minV), Number(maxV), Number(values[lastI]))
	}
	var b strings.Builder
	open(&b, id, w, h, opts.Title, desc)
	if lastI >= 0 {
		span := maxV - minV
		if span == 0 {
			span = 1
		}
		xAt := func(i int) float64 {
			if len(values) <= 1 {
				return float64(w) / 2
			}
			return 3 + float64(i)*(float64(w)-6)/float64(len(values)-1)
		}
		yAt := func(v float64) float64 { return float64(h) - 3 - (v-minV)/span*(float64(h)-6) }
		var seg []string
		flush := func() {
			if len(seg) > 1 {
				fmt.Fprintf(&b, `<polyline fill="none" stroke="#1f4e79" stroke-width="1.5" points="%s"/>`, strings.Join(seg, " "))
			}
			seg = seg[:0]
		}
		for i, v := range values {
			if !finite(v) {
				flush()
				continue
			}
			seg = append(seg, f1(xAt(i))+","+f1(yAt(v)))
		}
		flush()
		fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="2.5" fill="#1f4e79"/>`, f1(xAt(lastI)), f1(yAt(values[lastI])))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text and attribute above is escaped or generated from numbers
}
