package sla

import (
	"errors"
	"testing"
	"time"
)

func TestReactionDue(t *testing.T) {
	irk := mustLoad(t, "Asia/Irkutsk")
	at := func(y int, m time.Month, d, h, mi int) time.Time { return local(irk, y, m, d, h, mi) }
	p := DefaultPolicy()
	w := Russian(irk, WorkingHours)
	c := Russian(irk, CalendarHours)
	created := at(2026, 10, 30, 17, 30) // Friday evening before the 4 November week
	tests := []struct {
		name     string
		cal      Calendar
		priority string
		want     time.Time
	}{
		{"working, normal: 24 working hours", w, "normal", at(2026, 11, 6, 9, 30)},
		{"working, urgent: 4 working hours", w, "urgent", at(2026, 11, 2, 12, 30)},
		{"working, urgent any case", w, " Urgent ", at(2026, 11, 2, 12, 30)},
		{"calendar, normal", c, "", at(2026, 10, 31, 17, 30)},
		{"calendar, urgent", c, PriorityUrgent, at(2026, 10, 30, 21, 30)},
	}
	for _, tt := range tests {
		if got := ReactionDue(created, tt.priority, tt.cal, p); !got.Equal(tt.want) {
			t.Errorf("%s: ReactionDue = %s, want %s", tt.name, got.In(irk), tt.want)
		}
	}
}

func TestResolutionDue(t *testing.T) {
	irk := mustLoad(t, "Asia/Irkutsk")
	interim := local(irk, 2026, 10, 26, 10, 0)
	got := ResolutionDue(interim, Russian(irk, WorkingHours), DefaultPolicy())
	if want := local(irk, 2026, 11, 5, 18, 0); !got.Equal(want) {
		t.Errorf("ResolutionDue = %s, want %s", got.In(irk), want)
	}
}

func TestReceptionDue(t *testing.T) {
	irk := mustLoad(t, "Asia/Irkutsk")
	at := func(y int, m time.Month, d, h, mi int) time.Time { return local(irk, y, m, d, h, mi) }
	c := Russian(irk, WorkingHours)
	p := DefaultPolicy()
	received := at(2026, 10, 30, 15, 0)
	want := ReceptionDeadlines{
		Register: at(2026, 11, 3, 0, 0),  // 2 Nov end
		Redirect: at(2026, 11, 10, 0, 0), // 9 Nov end
		Answer:   at(2026, 12, 3, 0, 0),  // 2 Dec end
		// 2 Dec + 30 = 1 Jan 2027, a holiday; 1–10 January are non-working.
		AnswerExtended: at(2027, 1, 12, 0, 0),
	}
	for _, registered := range []time.Time{at(2026, 11, 2, 10, 0), {}} {
		got := ReceptionDue(received, registered, c, p)
		if !got.Register.Equal(want.Register) || !got.Redirect.Equal(want.Redirect) ||
			!got.Answer.Equal(want.Answer) || !got.AnswerExtended.Equal(want.AnswerExtended) {
			t.Errorf("registered %v: ReceptionDue = %+v, want %+v", registered, got, want)
		}
	}
	p.ReceptionExtensionDays = 0
	if got := ReceptionDue(received, time.Time{}, c, p); !got.AnswerExtended.Equal(got.Answer) {
		t.Errorf("no extension: AnswerExtended %s != Answer %s", got.AnswerExtended, got.Answer)
	}
}

func TestCheck(t *testing.T) {
	irk := mustLoad(t, "Asia/Irkutsk")
	at := func(y int, m time.Month, d, h, mi, s int) time.Time { return time.Date(y, m, d, h, mi, s, 0, irk) }
	w := Russian(irk, WorkingHours)
	start := at(2026, 10, 19, 9, 0, 0)
	due := w.Add(start, 4*time.Hour) // 13:00, the start of lunch
	if !due.Equal(at(2026, 10, 19, 13, 0, 0)) {
		t.Fatalf("due = %s", due.In(irk))
	}
	tests := []struct {
		name         string
		cal          Calendar
		start, due   time.Time
		now          time.Time
		frac         float64
		warn, breach bool
	}{
		{"before start", w, start, due, at(2026, 10, 19, 8, 0, 0), 0, false, false},
		{"74 %", w, start, due, at(2026, 10, 19, 11, 57, 36), 0.74, false, false},
		{"75 %", w, start, due, at(2026, 10, 19, 12, 0, 0), 0.75, true, false},
		{"100 % exactly", w, start, due, due, 1, true, false},
		{"100 % during lunch, deadline passed", w, start, due, at(2026, 10, 19, 13, 30, 0), 1, true, true},
		{"101 %", w, start, due, at(2026, 10, 19, 14, 2, 24), 1.01, true, true},
		{"calendar 74 %", Calendar{}, start, start.Add(100 * time.Hour), start.Add(74 * time.Hour), 0.74, false, false},
		{"calendar 75 %", Calendar{}, start, start.Add(100 * time.Hour), start.Add(75 * time.Hour), 0.75, true, false},
		{"calendar 101 %", Calendar{}, start, start.Add(100 * time.Hour), start.Add(101 * time.Hour), 1.01, true, true},
		{"zero-length deadline before", w, due, due, due.Add(-time.Second), 0, false, false},
		{"zero-length deadline at", w, due, due, due, 1, true, false},
	}
	for _, tt := range tests {
		s := Check(tt.start, tt.due, tt.now, tt.cal, 0.75)
		if d := s.Fraction - tt.frac; d > 1e-9 || d < -1e-9 || s.Warn != tt.warn || s.Breach != tt.breach {
			t.Errorf("%s: Check = %+v, want fraction %v warn %v breach %v", tt.name, s, tt.frac, tt.warn, tt.breach)
		}
	}
	// A bad warnAt falls back to 75 %.
	if s := Check(start, due, at(2026, 10, 19, 12, 0, 0), w, 0); !s.Warn {
		t.Errorf("warnAt 0 did not fall back to 0.75: %+v", s)
	}
	if s := Check(start, due, at(2026, 10, 19, 11, 0, 0), w, 0.5); !s.Warn {
		t.Errorf("warnAt 0.5 at 50%%: %+v", s)
	}
}

func TestPolicyValidate(t *testing.T) {
	if err := DefaultPolicy().Validate(); err != nil {
		t.Fatalf("default policy: %v", err)
	}
	tests := []struct {
		field string
		edit  func(*Policy)
	}{
		{"reaction", func(p *Policy) { p.Reaction = 0 }},
		{"reaction_urgent", func(p *Policy) { p.ReactionUrgent = -time.Hour }},
		{"resolution_days", func(p *Policy) { p.ResolutionDays = 0 }},
		{"warn_at", func(p *Policy) { p.WarnAt = 1 }},
		{"reception_answer_days", func(p *Policy) { p.ReceptionAnswerDays = 0 }},
		{"reception_extension_days", func(p *Policy) { p.ReceptionExtensionDays = -1 }},
	}
	for _, tt := range tests {
		p := DefaultPolicy()
		tt.edit(&p)
		var fe *FieldError
		if err := p.Validate(); !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("%s: Validate = %v", tt.field, err)
		}
	}
}
