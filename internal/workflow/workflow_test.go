package workflow_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
	"github.com/otklik/otklik/internal/workflow"
)

type env struct {
	st      *store.Store
	now     time.Time
	svc     *workflow.Service
	op, mod model.Actor
	ex, ex2 model.Actor
	exID    int64
	ex2ID   int64
	catHeat int64
	irkutsk *time.Location
}

func setup(t *testing.T, st *store.Store, mode string) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{st: st}
	loc, err := time.LoadLocation("Asia/Irkutsk")
	if err != nil {
		t.Fatal(err)
	}
	e.irkutsk = loc
	region, err := st.PutRegion(ctx, model.Region{Code: "38", Name: "Иркутская область", TimeZone: "Asia/Irkutsk",
		Calendar: model.Calendar{Mode: mode, Start: "09:00", End: "18:00"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutTerritory(ctx, model.Territory{RegionID: region, OKTMO: "25701000", Name: "город Иркутск", Kind: "urban_okrug"}); err != nil {
		t.Fatal(err)
	}
	if e.catHeat, err = st.PutCategory(ctx, model.Category{Code: "zhkh.heating", ParentCode: "zhkh", Name: "Отопление",
		ReactionHours: 24, UrgentReactionHours: 4, ResolutionWorkingDays: 7, DefaultPriority: model.PriorityNormal}); err != nil {
		t.Fatal(err)
	}
	if e.exID, err = st.PutExecutor(ctx, model.Executor{Code: "uk", Name: "УК", Kind: "uk"}); err != nil {
		t.Fatal(err)
	}
	if e.ex2ID, err = st.PutExecutor(ctx, model.Executor{Code: "adm", Name: "Администрация", Kind: "omsu"}); err != nil {
		t.Fatal(err)
	}
	e.op = model.Actor{UserID: 0, Login: "op", Role: model.RoleOperator}
	e.mod = model.Actor{Login: "mod", Role: model.RoleModerator}
	e.ex = model.Actor{Login: "uk", Role: model.RoleExecutor, ExecutorID: e.exID}
	e.ex2 = model.Actor{Login: "adm", Role: model.RoleExecutor, ExecutorID: e.ex2ID}
	// Monday 2 November 2026, 10:00 in Irkutsk.
	e.now = time.Date(2026, 11, 2, 10, 0, 0, 0, loc)
	e.svc = workflow.New(st, workflow.WithClock(func() time.Time { return e.now }))
	return e
}

func (e *env) intake(t *testing.T, id string) model.Incident {
	t.Helper()
	return e.intakeFrom(t, "t", id, e.now)
}

// intakeFrom takes in a resident's message about heating from a source, posted at a time.
func (e *env) intakeFrom(t *testing.T, source, id string, posted time.Time) model.Incident {
	t.Helper()
	return e.intakeMessage(t, model.Message{Source: source, ExternalID: id, Text: "Нет отопления",
		Category: "zhkh.heating", Territory: "25701000", PostedAt: posted})
}

// intakeMessage takes in one message and returns the incident it opened.
func (e *env) intakeMessage(t *testing.T, m model.Message) model.Incident {
	t.Helper()
	res, err := e.svc.Intake(context.Background(), []model.Message{m})
	if err != nil {
		t.Fatal(err)
	}
	inc, err := e.st.Incident(context.Background(), res[0].IncidentID)
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// TestTickerOnceAcrossRestart drives the simulated clock past the warning and the breach of a reaction
// deadline, ticking repeatedly and restarting the process (a new store handle and service on the same file).
func TestTickerOnceAcrossRestart(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/otklik.db"
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e := setup(t, st, "calendar")
	inc := e.intake(t, "1")
	if want := e.now.Add(24 * time.Hour); !inc.ReactionDue.Equal(want) {
		t.Fatalf("reaction due %v, want %v", inc.ReactionDue, want)
	}
	tick := func(svc *workflow.Service, want int) {
		t.Helper()
		n, err := svc.Tick(ctx)
		if err != nil || n != want {
			t.Fatalf("tick at %v: %d events, %v; want %d", e.now, n, err, want)
		}
	}
	e.now = e.now.Add(17 * time.Hour) // 71 %: nothing yet
	tick(e.svc, 0)
	e.now = e.now.Add(time.Hour) // 75 %
	tick(e.svc, 1)
	tick(e.svc, 0)
	// Restart: close and reopen the database, new service.
	st.Close()
	st2, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	svc2 := workflow.New(st2, workflow.WithClock(func() time.Time { return e.now }))
	tick(svc2, 0)
	e.now = e.now.Add(7 * time.Hour) // past the deadline
	tick(svc2, 1)
	tick(svc2, 0)
	if w, b := storetest.CountEvents(t, st2, inc.ID, "sla.warning"), storetest.CountEvents(t, st2, inc.ID, "sla.breach"); w != 1 || b != 1 {
		t.Fatalf("%d warnings and %d breaches, want one each", w, b)
	}
	page, err := st2.ListIncidents(ctx, store.IncidentFilter{Overdue: true, Now: e.now})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("overdue list: %d, %v", len(page.Items), err)
	}
}

// TestClocksFollowTheLifecycle checks deadlines on every transition, in working-hours mode.
func TestClocksFollowTheLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := setup(t, st, "working")
		// Friday 6 November 2026, 17:30 Irkutsk: 24 working hours of 9 a day (09:00–18:00, no lunch) run from
		// 30 min on Friday through Mon, Tue (9 + 9) to Wednesday 14:30 (4 November is a holiday, but earlier).
		e.now = time.Date(2026, 11, 6, 17, 30, 0, 0, e.irkutsk)
		inc := e.intake(t, "fri")
		want := time.Date(2026, 11, 11, 14, 30, 0, 0, e.irkutsk)
		if !inc.ReactionDue.Equal(want) || !inc.DueAt.Equal(want) {
			t.Fatalf("reaction due %v, want %v", inc.ReactionDue.In(e.irkutsk), want)
		}
		// Urgent: 4 working hours from Friday 17:30 end on Monday at 12:30.
		inc, err := e.svc.Act(ctx, e.op, inc.ID, model.ActSetPriority, model.ActionArgs{Priority: model.PriorityUrgent})
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2026, 11, 9, 12, 30, 0, 0, e.irkutsk); !inc.ReactionDue.Equal(want) {
			t.Fatalf("urgent reaction due %v, want %v", inc.ReactionDue.In(e.irkutsk), want)
		}
		e.now = time.Date(2026, 11, 9, 9, 0, 0, 0, e.irkutsk)
		if inc, err = e.svc.Act(ctx, e.op, inc.ID, model.ActAssign, model.ActionArgs{ExecutorID: e.exID}); err != nil {
			t.Fatal(err)
		}
		if inc, err = e.svc.Act(ctx, e.ex, inc.ID, model.ActAccept, model.ActionArgs{}); err != nil {
			t.Fatal(err)
		}
		a, err := e.svc.CreateAnswer(ctx, e.ex, inc.ID, workflow.AnswerInput{Kind: model.AnswerInterim, Text: "Принято, бригада выедет сегодня до 15:00.", Submit: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AnswerAct(ctx, e.mod, a.ID, model.AnsApprove, workflow.AnswerArgs{}); err != nil {
			t.Fatal(err)
		}
		e.now = time.Date(2026, 11, 9, 11, 0, 0, 0, e.irkutsk)
		if _, err := e.svc.AnswerAct(ctx, e.mod, a.ID, model.AnsPublish, workflow.AnswerArgs{ExternalID: "r1"}); err != nil {
			t.Fatal(err)
		}
		inc, _ = st.Incident(ctx, inc.ID)
		// The reaction clock stopped at 11:00; the resolution clock runs 7 working days: to the end of 18 November.
		if inc.Status != model.StatusInterim || !inc.FirstReactionAt.Equal(e.now) {
			t.Fatalf("after interim: %s, first reaction %v", inc.Status, inc.FirstReactionAt)
		}
		if want := time.Date(2026, 11, 18, 18, 0, 0, 0, e.irkutsk); !inc.ResolutionDue.Equal(want) || !inc.DueAt.Equal(want) {
			t.Fatalf("resolution due %v, want %v", inc.ResolutionDue.In(e.irkutsk), want)
		}
		f, err := e.svc.CreateAnswer(ctx, e.ex, inc.ID, workflow.AnswerInput{Kind: model.AnswerFinal, Text: "Отопление восстановлено 10 ноября.", Submit: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AnswerAct(ctx, e.mod, f.ID, model.AnsApprove, workflow.AnswerArgs{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AnswerAct(ctx, e.mod, f.ID, model.AnsPublish, workflow.AnswerArgs{}); err != nil {
			t.Fatal(err)
		}
		inc, _ = st.Incident(ctx, inc.ID)
		if inc.Status != model.StatusResolved || inc.DueAt != nil || inc.ResolvedAt == nil {
			t.Fatalf("after final: %s, due %v", inc.Status, inc.DueAt)
		}
		// Reopening starts a fresh resolution clock.
		e.now = time.Date(2026, 11, 20, 10, 0, 0, 0, e.irkutsk)
		if inc, err = e.svc.Act(ctx, e.op, inc.ID, model.ActReopen, model.ActionArgs{Reason: "Батареи снова холодные"}); err != nil {
			t.Fatal(err)
		}
		if inc.Status != model.StatusInWork || inc.DueAt == nil || !inc.DueAt.After(e.now) {
			t.Fatalf("after reopen: %s, due %v", inc.Status, inc.DueAt)
		}
	})
}

func TestDeclineAndMerge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := setup(t, st, "calendar")
		a := e.intake(t, "a")
		b := e.intake(t, "b")
		if _, err := e.svc.Act(ctx, e.op, a.ID, model.ActAssign, model.ActionArgs{ExecutorID: e.exID}); err != nil {
			t.Fatal(err)
		}
		// Another organisation cannot see it, let alone decline it.
		if _, err := e.svc.Act(ctx, e.ex2, a.ID, model.ActDecline, model.ActionArgs{Reason: "x"}); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("other executor's decline: %v", err)
		}
		inc, err := e.svc.Act(ctx, e.ex, a.ID, model.ActDecline, model.ActionArgs{Reason: "Не наша компетенция: дом обслуживает другая УК"})
		if err != nil {
			t.Fatal(err)
		}
		if inc.Status != model.StatusNew || inc.ExecutorID != 0 || len(inc.ExcludedExecutor) != 1 {
			t.Fatalf("after decline: %+v", inc)
		}
		var fe *model.FieldError
		if _, err := e.svc.Act(ctx, e.op, a.ID, model.ActAssign, model.ActionArgs{ExecutorID: e.exID}); !errors.As(err, &fe) || fe.Field != "executor_id" {
			t.Fatalf("re-assigning the declining executor: %v", err)
		}
		if _, err := e.svc.Act(ctx, e.op, a.ID, model.ActAssign, model.ActionArgs{ExecutorID: e.ex2ID}); err != nil {
			t.Fatal(err)
		}
		// Merge b into a: b's message moves, b points to a.
		inc, err = e.svc.Act(ctx, e.op, b.ID, model.ActMerge, model.ActionArgs{TargetID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		if inc.Status != model.StatusMerged || inc.MergedInto != a.ID || inc.DueAt != nil {
			t.Fatalf("merged incident: %+v", inc)
		}
		survivor, _ := st.Incident(ctx, a.ID)
		msgs, _ := st.Messages(ctx, a.ID)
		if survivor.MessageCount != 2 || len(msgs) != 2 || storetest.CountEvents(t, st, a.ID, "merged_in") != 1 {
			t.Fatalf("survivor: %d messages counted, %d stored", survivor.MessageCount, len(msgs))
		}
		// Merging into a closed incident is refused and changes nothing.
		c := e.intake(t, "c")
		if _, err := e.svc.Act(ctx, e.op, c.ID, model.ActMerge, model.ActionArgs{TargetID: b.ID}); !errors.As(err, &fe) || fe.Field != "target_id" {
			t.Fatalf("merge into merged: %v", err)
		}
		if got, _ := st.Incident(ctx, c.ID); got.Status != model.StatusNew {
			t.Fatalf("failed merge changed status to %s", got.Status)
		}
	})
}

func TestDeclineReroutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := setup(t, st, "calendar")
		if err := st.ReplaceRoutingRules(ctx, []store.RoutingRule{
			{Position: 10, Category: "zhkh", Territory: "25701000", Executor: "uk"},
			{Position: 20, Category: "zhkh.heating", Executor: "adm"},
		}); err != nil {
			t.Fatal(err)
		}
		e.svc.InvalidateRefs()
		inc := e.intake(t, "r1")
		d, err := e.svc.Suggest(ctx, inc, nil)
		if err != nil || d.Executor != "uk" || d.Via != "rule" {
			t.Fatalf("suggestion = %+v, %v", d, err)
		}
		if _, err := e.svc.Act(ctx, e.op, inc.ID, model.ActAssign, model.ActionArgs{ExecutorID: e.exID}); err != nil {
			t.Fatal(err)
		}
		got, err := e.svc.Act(ctx, e.ex, inc.ID, model.ActDecline, model.ActionArgs{Reason: "Дом не в нашем управлении"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != model.StatusAssigned || got.ExecutorID != e.ex2ID {
			t.Fatalf("after decline: %s, executor %d; want assigned to %d", got.Status, got.ExecutorID, e.ex2ID)
		}
		// The second organisation declines too: nobody is left, the incident waits for the operator.
		got, err = e.svc.Act(ctx, e.ex2, inc.ID, model.ActDecline, model.ActionArgs{Reason: "Не наша компетенция"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != model.StatusNew || got.ExecutorID != 0 || len(got.ExcludedExecutor) != 2 {
			t.Fatalf("after second decline: %+v", got)
		}
		if storetest.CountEvents(t, st, inc.ID, "routed") != 1 || storetest.CountEvents(t, st, inc.ID, "assign") != 2 {
			t.Fatal("routing decisions were not recorded")
		}
	})
}
