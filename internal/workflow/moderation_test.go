package workflow_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
	"github.com/otklik/otklik/internal/workflow"
)

const (
	goodInterim = "Здравствуйте! Заявка принята. 21 ноября с 9:00 до 13:00 бригада управляющей компании проверит стояк " +
		"отопления в вашем подъезде и устранит завоздушивание. Ответственный — мастер участка, телефон 8 (3952) 00-11-22."
	formalReply = "Ваше обращение рассмотрено и будет направлено в адрес компетентной организации для рассмотрения в установленном порядке."
)

// inWork brings a new incident to in_work with the fixture's executor.
func (e *env) inWork(t *testing.T, id string) model.Incident {
	t.Helper()
	return e.accepted(t, e.intake(t, id), e.ex)
}

// accepted assigns an incident to an executor, which accepts it.
func (e *env) accepted(t *testing.T, inc model.Incident, ex model.Actor) model.Incident {
	t.Helper()
	ctx := context.Background()
	if _, err := e.svc.Act(ctx, e.op, inc.ID, model.ActAssign, model.ActionArgs{ExecutorID: ex.ExecutorID}); err != nil {
		t.Fatal(err)
	}
	inc, err := e.svc.Act(ctx, ex, inc.ID, model.ActAccept, model.ActionArgs{})
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

func TestGradesAndAutoApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := setup(t, st, "calendar")
		inc := e.inWork(t, "g1")
		// The preview: a formal reply is flagged, a concrete answer is more informative.
		bad, err := e.svc.Grade(ctx, e.ex, workflow.GradeInput{IncidentID: inc.ID, Kind: model.AnswerInterim, Text: formalReply})
		if err != nil {
			t.Fatal(err)
		}
		good, err := e.svc.Grade(ctx, e.ex, workflow.GradeInput{IncidentID: inc.ID, Kind: model.AnswerInterim, Text: goodInterim})
		if err != nil {
			t.Fatal(err)
		}
		if !bad.Formal || good.Formal || good.Informative <= bad.Informative {
			t.Fatalf("preview: formal reply %+v, good answer %+v", bad, good)
		}
		if _, err := e.svc.Grade(ctx, e.ex2, workflow.GradeInput{IncidentID: inc.ID, Kind: model.AnswerInterim, Text: "x"}); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("another organisation previewed: %v", err)
		}
		// Without auto-approval the answer waits for the moderator, with its grades stored.
		a, err := e.svc.CreateAnswer(ctx, e.ex, inc.ID, workflow.AnswerInput{Kind: model.AnswerInterim, Text: goodInterim, Submit: true})
		if err != nil {
			t.Fatal(err)
		}
		if a.State != model.AnswerOnReview || len(a.Grades) == 0 || a.Formal == nil || *a.Formal {
			t.Fatalf("submitted answer: %s, grades %s", a.State, a.Grades)
		}
		// The region now approves good answers itself; a formal reply still goes to the moderator.
		regions, _ := st.Regions(ctx)
		r := regions[0]
		r.Settings.AutoApprove = 40
		if _, err := st.PutRegion(ctx, r); err != nil {
			t.Fatal(err)
		}
		e.svc.InvalidateRefs()
		inc2 := e.inWork(t, "g2")
		auto, err := e.svc.CreateAnswer(ctx, e.ex, inc2.ID, workflow.AnswerInput{Kind: model.AnswerInterim, Text: goodInterim, Submit: true})
		if err != nil || auto.State != model.AnswerApproved {
			t.Fatalf("good answer under auto-approval: %s, %v", auto.State, err)
		}
		manual, err := e.svc.CreateAnswer(ctx, e.ex, inc2.ID, workflow.AnswerInput{Kind: model.AnswerInterim, Text: formalReply})
		if err != nil {
			t.Fatal(err)
		}
		manual, err = e.svc.AnswerAct(ctx, e.ex, manual.ID, model.AnsSubmit, workflow.AnswerArgs{})
		if err != nil || manual.State != model.AnswerOnReview || manual.Formal == nil || !*manual.Formal {
			t.Fatalf("formal reply under auto-approval: %+v, %v", manual, err)
		}
		queue, _ := st.AnswersInState(ctx, model.AnswerOnReview, 10)
		if len(queue) != 2 {
			t.Fatalf("moderation queue holds %d answers, want 2", len(queue))
		}
	})
}

func TestResidentRatingReopens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := setup(t, st, "calendar")
		inc := e.inWork(t, "r1")
		a, err := e.svc.CreateAnswer(ctx, e.ex, inc.ID, workflow.AnswerInput{Kind: model.AnswerFinal, Text: "Батарея заменена 20 ноября, отопление восстановлено.", Attachments: []string{"photo:1"}, Submit: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AnswerAct(ctx, e.mod, a.ID, model.AnsApprove, workflow.AnswerArgs{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AnswerAct(ctx, e.mod, a.ID, model.AnsPublish, workflow.AnswerArgs{}); err != nil {
			t.Fatal(err)
		}
		evs, _ := st.Events(ctx, inc.ID)
		token := ""
		for _, ev := range evs {
			if ev.Type == "answer.publish" {
				if _, after, ok := strings.Cut(string(ev.Data), workflow.RatePath); ok {
					token = after[:strings.IndexByte(after, '"')]
				}
			}
		}
		if token == "" {
			t.Fatal("no rate link in the publication event")
		}
		no := false
		if _, err := e.svc.Rate(ctx, token, workflow.RateInput{Score: 9, Solved: &no}); err == nil {
			t.Fatal("score 9 accepted")
		}
		if _, err := e.svc.Rate(ctx, "nope", workflow.RateInput{Score: 2, Solved: &no}); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("unknown token: %v", err)
		}
		e.now = e.now.Add(2 * time.Hour)
		r, err := e.svc.Rate(ctx, token, workflow.RateInput{Score: 2, Solved: &no, Comment: "Батареи снова холодные"})
		if err != nil || r.Score != 2 {
			t.Fatalf("rate: %+v, %v", r, err)
		}
		got, _ := st.Incident(ctx, inc.ID)
		if got.Status != model.StatusInWork || got.DueAt == nil {
			t.Fatalf("«не решено» left the incident %s", got.Status)
		}
		if _, err := e.svc.Rate(ctx, token, workflow.RateInput{Score: 5, Solved: &no}); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("second rating: %v", err)
		}
		sat, err := st.SatisfactionStats(ctx, time.Time{}, time.Time{})
		if err != nil || sat.Rated != 1 || sat.Unsolved != 1 || sat.Mean == nil || *sat.Mean != 2 {
			t.Fatalf("satisfaction %+v, %v", sat, err)
		}
	})
}

func TestTemplates(t *testing.T) {
	st := storetest.OpenSQLite(t)
	ctx := context.Background()
	e := setup(t, st, "working")
	res, err := e.svc.Intake(ctx, []model.Message{{Source: "t", ExternalID: "t1", Author: "Мария Ивановна", Text: "Нет отопления", Address: "ул. Ленина, 5", Category: "zhkh.heating"}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := st.CreateTemplate(ctx, store.Template{Category: "zhkh", Kind: "interim", Title: "Принято",
		Text: "{name}, обращение № {number} по адресу {address} принято; работы выполним до {date+3}."})
	if err != nil {
		t.Fatal(err)
	}
	if list, _ := st.Templates(ctx, "zhkh.heating"); len(list) != 1 {
		t.Fatalf("templates for a subtopic of the topic: %d", len(list))
	}
	text, err := e.svc.RenderTemplate(ctx, e.op, id, res[0].IncidentID)
	if err != nil {
		t.Fatal(err)
	}
	// Monday 2 November 2026 + 3 working days = Thursday 5 November (4 November is a holiday: Friday 6th).
	want := "Мария Ивановна, обращение № " + res[0].Number + " по адресу ул. Ленина, 5 принято; работы выполним до 06.11.2026."
	if text != want {
		t.Fatalf("rendered %q\nwant     %q", text, want)
	}
}
