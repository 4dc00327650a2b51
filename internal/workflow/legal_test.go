package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/outbox"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
	"github.com/otklik/otklik/internal/workflow"
)

// TestReceptionLegalTerm: an appeal to the internet reception gets the 59-ФЗ term (30 days, counted as the law
// counts them), which an operator may extend once by 30 days with a reason, and which caps its resolution clock;
// other sources have no legal term to extend.
func TestReceptionLegalTerm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := setup(t, st, "calendar")
		cal, err := e.svc.Calendar(ctx, mustRefs(t, e).Regions[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		rec := e.intakeFrom(t, model.ReceptionSource, "r1", e.now)
		// Posted on Monday 2 November 2026: the 30th day is Wednesday 2 December, the term ends at its midnight.
		if want := time.Date(2026, 12, 3, 0, 0, 0, 0, e.irkutsk); rec.LegalDue == nil || !rec.LegalDue.Equal(want) {
			t.Fatalf("legal term %v, want %v", rec.LegalDue, want)
		}
		vk := e.intakeFrom(t, "vk", "v1", e.now)
		if vk.LegalDue != nil {
			t.Fatalf("a VK comment has a legal term: %v", vk.LegalDue)
		}
		// The executor it is assigned to may not extend it either: the centre decides.
		if _, err := e.svc.Act(ctx, e.op, rec.ID, model.ActAssign, model.ActionArgs{ExecutorID: e.exID}); err != nil {
			t.Fatal(err)
		}
		rec, _ = st.Incident(ctx, rec.ID)
		for _, c := range []struct {
			name string
			a    model.Actor
			id   int64
			args model.ActionArgs
			want error
		}{
			{"no legal term", e.op, vk.ID, model.ActionArgs{Reason: "нужна проверка"}, model.ErrConflict},
			{"no reason", e.op, rec.ID, model.ActionArgs{}, model.ErrInvalid},
			{"an executor", e.ex, rec.ID, model.ActionArgs{Reason: "нужна проверка"}, model.ErrForbidden},
		} {
			if _, err := e.svc.Act(ctx, c.a, c.id, model.ActExtend, c.args); !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, err, c.want)
			}
		}
		got, err := e.svc.Act(ctx, e.op, rec.ID, model.ActExtend, model.ActionArgs{Reason: "Запрошены документы в управляющей компании"})
		if err != nil {
			t.Fatal(err)
		}
		if want := cal.AddDays(rec.LegalDue.Add(-time.Nanosecond), model.DefaultReceptionExtensionDays); got.LegalDue == nil || !got.LegalDue.Equal(want) ||
			got.LegalExtendedAt == nil || got.Status != rec.Status {
			t.Fatalf("after the extension: due %v (want %v), extended %v, status %s", got.LegalDue, want, got.LegalExtendedAt, got.Status)
		}
		// Thirty days from 2 December end on 1 January, a holiday: the term moves to the next working day, Monday
		// 11 January 2027, and ends at its midnight.
		if want := time.Date(2027, 1, 12, 0, 0, 0, 0, e.irkutsk); !got.LegalDue.Equal(want) {
			t.Fatalf("extended term %v, want %v", got.LegalDue.In(e.irkutsk), want)
		}
		if storetest.CountEvents(t, st, rec.ID, "extend") != 1 {
			t.Fatal("the extension was not recorded")
		}
		if _, err := e.svc.Act(ctx, e.op, rec.ID, model.ActExtend, model.ActionArgs{Reason: "ещё раз"}); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("a second extension: %v, want a conflict", err)
		}

		// Filed 29 days ago and answered only now: the 7 working days of resolution would run past the legal term,
		// so the running deadline is the term.
		old := e.intakeFrom(t, model.ReceptionSource, "r2", e.now.AddDate(0, 0, -29))
		old = e.answerInterim(t, old, e.ex)
		if old.Status != model.StatusInterim || old.LegalDue == nil || old.ResolutionDue == nil || !old.ResolutionDue.After(*old.LegalDue) ||
			old.DueAt == nil || !old.DueAt.Equal(*old.LegalDue) {
			t.Fatalf("capped clock: status %s, resolution %v, legal %v, running %v", old.Status, old.ResolutionDue, old.LegalDue, old.DueAt)
		}
		// Filed 40 days ago and first answered now, past its term: the warning and the breach are both due at once.
		late := e.answerInterim(t, e.intakeFrom(t, model.ReceptionSource, "r3", e.now.AddDate(0, 0, -40)), e.ex)
		if late.DueAt == nil || !late.DueAt.Equal(*late.LegalDue) || late.WarnAt == nil || !late.WarnAt.Equal(*late.DueAt) || !late.LegalDue.Before(e.now) {
			t.Fatalf("a term past at the first answer: legal %v, running %v, warning %v", late.LegalDue, late.DueAt, late.WarnAt)
		}
	})
}

// TestRegionTerms: a region's own terms replace the defaults for its clocks — the reaction term of an incident
// whose category sets none, the share at which a clock warns, the reception's legal term and its extension —
// while a category's own reaction term still comes first.
func TestRegionTerms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := setup(t, st, "calendar")
		reg := mustRefs(t, e).Regions[0]
		reg.Settings.Deadlines = model.Deadlines{ReactionHours: 12, UrgentReactionHours: 2, WarnPercent: 50,
			ReceptionAnswerDays: 15, ReceptionExtensionDays: 10}
		if _, err := st.PutRegion(ctx, reg); err != nil {
			t.Fatal(err)
		}
		e.svc.InvalidateRefs()

		intake := func(source, id, category string) model.Incident {
			t.Helper()
			return e.intakeMessage(t, model.Message{Source: source, ExternalID: id, Text: "Во дворе яма",
				Category: category, Territory: "25701000", PostedAt: e.now})
		}
		for _, c := range []struct {
			name, category string
			reaction       time.Duration
		}{
			{"the region's term", "", 12 * time.Hour},
			{"the category's own term", "zhkh.heating", 24 * time.Hour},
		} {
			inc := intake("vk", c.name, c.category)
			if inc.ReactionDue == nil || !inc.ReactionDue.Equal(e.now.Add(c.reaction)) || inc.WarnAt == nil ||
				!inc.WarnAt.Equal(e.now.Add(c.reaction/2)) {
				t.Errorf("%s: reaction due %v (want %v), warning %v (want half of it)", c.name, inc.ReactionDue, e.now.Add(c.reaction), inc.WarnAt)
			}
		}
		// Posted on Monday 2 November: the 15th day is Tuesday 17 November; ten more days end on Friday 27 November.
		rec := intake(model.ReceptionSource, "r", "")
		if want := time.Date(2026, 11, 18, 0, 0, 0, 0, e.irkutsk); rec.LegalDue == nil || !rec.LegalDue.Equal(want) {
			t.Fatalf("legal term %v, want %v", rec.LegalDue, want)
		}
		got, err := e.svc.Act(ctx, e.op, rec.ID, model.ActExtend, model.ActionArgs{Reason: "Нужен выезд комиссии"})
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2026, 11, 28, 0, 0, 0, 0, e.irkutsk); got.LegalDue == nil || !got.LegalDue.Equal(want) {
			t.Fatalf("extended term %v, want %v", got.LegalDue, want)
		}
	})
}

func TestDeadlinesValidate(t *testing.T) {
	for _, c := range []struct {
		d     model.Deadlines
		field string // "" when valid
	}{
		{model.Deadlines{}, ""},
		{model.Deadlines{ReactionHours: 48, UrgentReactionHours: 8, ResolutionWorkingDays: 10, WarnPercent: 80,
			ReceptionAnswerDays: 15, ReceptionExtensionDays: 15}, ""},
		{model.Deadlines{ReactionHours: -1}, "deadlines.reaction_hours"},
		{model.Deadlines{ReactionHours: model.MaxReactionHours + 1}, "deadlines.reaction_hours"},
		{model.Deadlines{UrgentReactionHours: 30}, "deadlines.urgent_reaction_hours"}, // longer than the default 24
		{model.Deadlines{ReactionHours: 2, UrgentReactionHours: 3}, "deadlines.urgent_reaction_hours"},
		{model.Deadlines{ResolutionWorkingDays: 91}, "deadlines.resolution_working_days"},
		{model.Deadlines{WarnPercent: 100}, "deadlines.warn_percent"},
		{model.Deadlines{WarnPercent: 5}, "deadlines.warn_percent"},
		{model.Deadlines{ReceptionAnswerDays: 31}, "deadlines.reception_answer_days"},
		{model.Deadlines{ReceptionExtensionDays: 45}, "deadlines.reception_extension_days"},
	} {
		err := c.d.Validate()
		var fe *model.FieldError
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%+v: %v", c.d, err)
		case c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field):
			t.Errorf("%+v: %v, want an error on %s", c.d, err, c.field)
		}
	}
}

// TestMergeKeepsLegalTerm: merging an appeal to the internet reception into another incident gives the survivor
// the appeal's legal term (the earliest of the two, extension included), which then caps its running deadline.
func TestMergeKeepsLegalTerm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := setup(t, st, "calendar")
		// A VK incident answered now, with 7 working days to solve it; a reception appeal about it filed 28 days
		// ago, whose term ends in two days.
		vk := e.answerInterim(t, e.intakeFrom(t, "vk", "v1", e.now.AddDate(0, 0, -1)), e.ex)
		rec := e.intakeFrom(t, model.ReceptionSource, "r1", e.now.AddDate(0, 0, -28))
		if vk.LegalDue != nil || vk.ResolutionDue == nil || !vk.ResolutionDue.After(*rec.LegalDue) {
			t.Fatalf("the VK incident: term %v, resolution %v; the reception's term %v", vk.LegalDue, vk.ResolutionDue, rec.LegalDue)
		}
		if _, err := e.svc.Act(ctx, e.op, rec.ID, model.ActMerge, model.ActionArgs{TargetID: vk.ID}); err != nil {
			t.Fatal(err)
		}
		got, err := st.Incident(ctx, vk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.LegalDue == nil || !got.LegalDue.Equal(*rec.LegalDue) || got.LegalExtendedAt != nil {
			t.Fatalf("the survivor's term %v (extended %v), want %v", got.LegalDue, got.LegalExtendedAt, rec.LegalDue)
		}
		if got.DueAt == nil || !got.DueAt.Equal(*got.LegalDue) {
			t.Fatalf("the survivor's running deadline %v, want its legal term %v", got.DueAt, got.LegalDue)
		}
		// The survivor may have the term extended once, as the appeal could.
		ext, err := e.svc.Act(ctx, e.op, vk.ID, model.ActExtend, model.ActionArgs{Reason: "Нужен выезд комиссии"})
		if err != nil || ext.LegalDue == nil || !ext.LegalDue.After(*rec.LegalDue) || !ext.DueAt.Equal(*ext.ResolutionDue) {
			t.Fatalf("extension through the survivor: %v (term %v, running %v)", err, ext.LegalDue, ext.DueAt)
		}
		// A reception appeal filed today ends its term before the extended one: the survivor takes that earlier
		// term and stays extended (a second extension could pass the first appeal's extended term).
		rec2 := e.intakeFrom(t, model.ReceptionSource, "r2", e.now)
		if !rec2.LegalDue.Before(*ext.LegalDue) {
			t.Fatalf("the test needs the new appeal's term %v before the extended %v", rec2.LegalDue, ext.LegalDue)
		}
		if _, err := e.svc.Act(ctx, e.op, rec2.ID, model.ActMerge, model.ActionArgs{TargetID: vk.ID}); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Incident(ctx, vk.ID); !got.LegalDue.Equal(*rec2.LegalDue) || got.LegalExtendedAt == nil {
			t.Fatalf("after merging a later appeal: term %v (want %v), extended %v", got.LegalDue, rec2.LegalDue, got.LegalExtendedAt)
		}
		if _, err := e.svc.Act(ctx, e.op, vk.ID, model.ActExtend, model.ActionArgs{Reason: "ещё"}); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("a second extension through the survivor: %v", err)
		}
		// And a merged appeal with a later term does not loosen it.
		vk2 := e.intakeFrom(t, "vk", "v2", e.now)
		rec3 := e.intakeFrom(t, model.ReceptionSource, "r3", e.now.AddDate(0, 0, -3))
		rec4 := e.intakeFrom(t, model.ReceptionSource, "r4", e.now)
		for _, id := range []int64{rec3.ID, rec4.ID} {
			if _, err := e.svc.Act(ctx, e.op, id, model.ActMerge, model.ActionArgs{TargetID: vk2.ID}); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := st.Incident(ctx, vk2.ID); got.LegalDue == nil || !got.LegalDue.Equal(*rec3.LegalDue) || got.LegalExtendedAt != nil {
			t.Fatalf("two appeals merged: term %v (want the earlier %v), extended %v", got.LegalDue, rec3.LegalDue, got.LegalExtendedAt)
		}
	})
}

// TestResidentMail: with resident mail on, the authors of reception appeals who gave an e-mail address get each
// published answer, the extension of the term and a refusal by e-mail (one notify job per address and occasion); residents
// of other sources and appeals without an address get none, and without the option nobody does.
func TestResidentMail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := setup(t, st, "calendar")
		e.svc = workflow.New(st, workflow.WithClock(func() time.Time { return e.now }), workflow.WithResidentMail())
		intake := func(source, id, email string) model.Incident {
			t.Helper()
			raw, _ := json.Marshal(map[string]any{"name": "Анна Петрова", "email": email, "consent": true})
			return e.intakeMessage(t, model.Message{Source: source, ExternalID: id, Text: "Нет отопления", Raw: raw,
				Category: "zhkh.heating", Territory: "25701000", PostedAt: e.now})
		}

		rec := intake(model.ReceptionSource, "r1", "Anna@Example.org")
		// A second appeal from the same address merged in, and one without an address: still one letter.
		for i, mail := range []string{"anna@example.org", ""} {
			other := intake(model.ReceptionSource, fmt.Sprintf("r%d", i+2), mail)
			if _, err := e.svc.Act(ctx, e.op, other.ID, model.ActMerge, model.ActionArgs{TargetID: rec.ID}); err != nil {
				t.Fatal(err)
			}
		}
		rec = e.answerInterim(t, rec, e.ex)
		answers, err := st.Answers(ctx, rec.ID)
		if err != nil || len(answers) != 1 {
			t.Fatalf("answers %v, %v", answers, err)
		}
		job, err := st.JobByKey(ctx, fmt.Sprintf("resident:answer:%d:anna@example.org", answers[0].ID))
		if err != nil {
			t.Fatal(err)
		}
		var p outbox.NotifyPayload
		if err := json.Unmarshal(job.Payload, &p); err != nil {
			t.Fatal(err)
		}
		if job.Kind != outbox.KindNotify || p.Channel != store.ChannelEmail || p.Address != "Anna@Example.org" || p.Name != "Анна Петрова" ||
			!strings.Contains(p.Subject, rec.Number) || !strings.Contains(p.Text, "Здравствуйте, Анна Петрова!") ||
			!strings.Contains(p.Text, answers[0].Text) || !strings.Contains(p.Text, "промежуточный ответ") || !strings.Contains(p.Text, "Отвечает: УК.") {
			t.Fatalf("the answer's letter: %s %+v", job.Kind, p)
		}
		if _, err := e.svc.Act(ctx, e.op, rec.ID, model.ActExtend, model.ActionArgs{Reason: "Нужна экспертиза теплосети"}); err != nil {
			t.Fatal(err)
		}
		job, err = st.JobByKey(ctx, fmt.Sprintf("resident:extend:%d:anna@example.org", rec.ID))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(job.Payload, &p); err != nil {
			t.Fatal(err)
		}
		// 2 November + 30 days = 2 December, + 30 = 1 January, a holiday: the term's last day is 11 January 2027.
		if !strings.Contains(p.Subject, "продлён") || !strings.Contains(p.Text, "продлён до 11.01.2027 включительно") ||
			!strings.Contains(p.Text, "Нужна экспертиза теплосети") {
			t.Fatalf("the extension's letter: %+v", p)
		}
		if n := countJobs(t, st, "resident:"); n != 2 {
			t.Fatalf("%d letters to residents, want 2", n)
		}
		// An appeal not taken up: the resident is told why.
		other := intake(model.ReceptionSource, "r5", "oleg@example.org")
		if _, err := e.svc.Act(ctx, e.op, other.ID, model.ActReject, model.ActionArgs{Reason: "Вопрос в ведении федерального органа: обращение направлено в Росприроднадзор"}); err != nil {
			t.Fatal(err)
		}
		if n := countJobs(t, st, fmt.Sprintf("resident:reject:%d:", other.ID)); n != 1 {
			t.Fatalf("%d rejection letters, want 1", n)
		}

		// A VK resident, and a service without the option, send no letters.
		e.answerInterim(t, intake("vk", "v1", "vk@example.org"), e.ex)
		quiet := workflow.New(st, workflow.WithClock(func() time.Time { return e.now }))
		e.svc = quiet
		e.answerInterim(t, intake(model.ReceptionSource, "r9", "boris@example.org"), e.ex)
		if n := countJobs(t, st, "resident:"); n != 3 {
			t.Fatalf("%d letters to residents, want still 3", n)
		}
	})
}

func countJobs(t *testing.T, st *store.Store, prefix string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM outbox_jobs WHERE job_key LIKE '`+prefix+`%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
