package workflow_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/nlp"
	"github.com/otklik/otklik/internal/routing"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
	"github.com/otklik/otklik/internal/workflow"
)

// answered takes a new incident through an executor's published interim answer: history the router learns from.
func (e *env) answered(t *testing.T, id string, ex model.Actor) model.Incident {
	t.Helper()
	return e.answerInterim(t, e.intake(t, id), ex)
}

// answerInterim assigns an incident to an executor, which accepts it and publishes an interim answer through
// moderation, and returns the incident as it then is.
func (e *env) answerInterim(t *testing.T, inc model.Incident, ex model.Actor) model.Incident {
	t.Helper()
	ctx := context.Background()
	inc = e.accepted(t, inc, ex)
	a, err := e.svc.CreateAnswer(ctx, ex, inc.ID, workflow.AnswerInput{Kind: model.AnswerInterim, Text: "Принято, бригада выедет сегодня до 15:00.", Submit: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AnswerAct(ctx, e.mod, a.ID, model.AnsApprove, workflow.AnswerArgs{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AnswerAct(ctx, e.mod, a.ID, model.AnsPublish, workflow.AnswerArgs{}); err != nil {
		t.Fatal(err)
	}
	inc, err = e.st.Incident(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

func (e *env) suggest(t *testing.T, inc model.Incident) routing.Decision {
	t.Helper()
	d, err := e.svc.Suggest(context.Background(), inc, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestRoutingHistorySuggests: the executor that answered a territory's category before is suggested for the next
// incident like it, only from answered incidents of the window, never one that declined, and it breaks ties
// between equal rules.
func TestRoutingHistorySuggests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := setup(t, st, "calendar")
		for i := range 3 {
			e.answered(t, "a"+string(rune('0'+i)), e.ex2)
		}
		e.answered(t, "u0", e.ex)
		// Neither an unanswered incident nor a rejected one is history.
		for i := range 4 {
			inc := e.intake(t, "n"+string(rune('0'+i)))
			if _, err := e.svc.Act(ctx, e.op, inc.ID, model.ActAssign, model.ActionArgs{ExecutorID: e.exID}); err != nil {
				t.Fatal(err)
			}
		}
		rej := e.intake(t, "rj")
		if _, err := e.svc.Act(ctx, e.op, rej.ID, model.ActReject, model.ActionArgs{Reason: "не обращение"}); err != nil {
			t.Fatal(err)
		}
		got, err := st.RoutingHistory(ctx, e.now.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(got, func(a, b store.RoutedCount) int { return strings.Compare(a.Executor, b.Executor) })
		want := []store.RoutedCount{
			{Territory: "25701000", Category: "zhkh.heating", Executor: "adm", N: 3},
			{Territory: "25701000", Category: "zhkh.heating", Executor: "uk", N: 1},
		}
		if !slices.Equal(got, want) {
			t.Fatalf("history = %+v, want %+v", got, want)
		}

		next := e.intake(t, "x1")
		if d := e.suggest(t, next); d.Via != routing.ViaTriage {
			t.Fatalf("before the history is learned: %+v, want triage", d)
		}
		if err := e.svc.RefreshRoutingHistory(ctx); err != nil {
			t.Fatal(err)
		}
		d := e.suggest(t, next)
		if d.Via != routing.ViaSuggestion || d.Executor != "adm" || d.P < 0.6 || d.P > 0.9 {
			t.Fatalf("after: %+v, want adm by suggestion", d)
		}
		// Without a category, the classifier's topics stand in for it.
		in := e.svc.RouteInput(model.Incident{TerritoryOKTMO: "25701000"}, mustRefs(t, e), []nlp.Prediction{{Label: "zhkh.heating", P: 0.9}, {Label: "roads.pits", P: 0.1}})
		if in.Suggestion == nil || in.Suggestion.Executor != "adm" {
			t.Fatalf("from topics: %+v", in.Suggestion)
		}
		if in := e.svc.RouteInput(model.Incident{TerritoryOKTMO: "25701000"}, mustRefs(t, e), nil); in.Suggestion != nil {
			t.Fatalf("with neither category nor topics: %+v", in.Suggestion)
		}
		// A category nobody answered yet gets no suggestion, though the territory's mix alone would name adm.
		if in := e.svc.RouteInput(model.Incident{TerritoryOKTMO: "25701000", CategoryCode: "roads.pits"}, mustRefs(t, e), nil); in.Suggestion != nil {
			t.Fatalf("an unseen category: %+v", in.Suggestion)
		}

		// Once adm declines, it is not suggested again; the rest (uk, far below 60 %) does not route on its own.
		if _, err := e.svc.Act(ctx, e.op, next.ID, model.ActAssign, model.ActionArgs{ExecutorID: e.ex2ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Act(ctx, e.ex2, next.ID, model.ActDecline, model.ActionArgs{Reason: "Не наша компетенция"}); err != nil {
			t.Fatal(err)
		}
		next, _ = st.Incident(ctx, next.ID)
		if next.Status != model.StatusNew || next.ExecutorID != 0 {
			t.Fatalf("after adm declined: %s, executor %d; want back to the operator", next.Status, next.ExecutorID)
		}
		if in := e.svc.RouteInput(next, mustRefs(t, e), nil); in.Suggestion == nil || in.Suggestion.Executor != "uk" {
			t.Fatalf("after adm declined, suggestion %+v, want uk", in.Suggestion)
		}

		// Two equal rules: table order picks uk; the history picks adm and says so.
		if err := st.ReplaceRoutingRules(ctx, []store.RoutingRule{
			{Position: 10, Category: "zhkh.heating", Executor: "uk"},
			{Position: 10, Category: "zhkh.heating", Executor: "adm"},
		}); err != nil {
			t.Fatal(err)
		}
		e.svc.InvalidateRefs()
		other := e.intake(t, "x2")
		if d := e.suggest(t, other); d.Via != routing.ViaRule || d.Executor != "adm" || !strings.Contains(d.Reason, "по истории") {
			t.Fatalf("tie: %+v, want adm by the history", d)
		}

		// An executor that now serves only another territory is not suggested here any more.
		if _, err := st.PutExecutor(ctx, model.Executor{Code: "adm", Name: "Администрация", Kind: "omsu", Territories: []string{"25714000"}}); err != nil {
			t.Fatal(err)
		}
		e.svc.InvalidateRefs()
		if in := e.svc.RouteInput(other, mustRefs(t, e), nil); in.Suggestion == nil || in.Suggestion.Executor != "uk" {
			t.Fatalf("adm moved to another territory, suggestion %+v, want uk", in.Suggestion)
		}

		// A window that ends before the answers forgets them.
		late := workflow.New(st, workflow.WithClock(func() time.Time { return e.now.Add(3 * time.Hour) }), workflow.WithHistoryWindow(time.Hour))
		if err := late.RefreshRoutingHistory(ctx); err != nil {
			t.Fatal(err)
		}
		if d, err := late.Suggest(ctx, other, nil); err != nil || d.Executor != "uk" || strings.Contains(d.Reason, "по истории") {
			t.Fatalf("outside the window: %+v, %v; want uk by table order", d, err)
		}
	})
}

func mustRefs(t *testing.T, e *env) *store.Refs {
	t.Helper()
	refs, err := e.svc.Refs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return refs
}
