package quality

import (
	"testing"
	"time"
)

// BenchmarkGrade grades the labelled answers (a realistic mix of short and long, good and formal) with their
// questions and times, reusing one Grader as the grade command does.
func BenchmarkGrade(b *testing.B) {
	rows := loadLabelled(b)
	ins := make([]Input, len(rows))
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i, r := range rows {
		ins[i] = Input{Answer: r.answer, Question: r.question, Kind: r.kind, Created: t0, Answered: t0.Add(time.Duration(i) * time.Hour)}
	}
	g := NewGrader(DefaultConfig())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		g.Grade(ins[i%len(ins)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
}

// BenchmarkGradeFunc measures the convenience function that allocates its buffers per call.
func BenchmarkGradeFunc(b *testing.B) {
	rows := loadLabelled(b)
	cfg := DefaultConfig()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r := rows[i%len(rows)]
		Grade(Input{Answer: r.answer, Question: r.question, Kind: r.kind}, cfg)
	}
}
