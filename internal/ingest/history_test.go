package ingest

import (
	"context"
	"fmt"
	"testing"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
	"github.com/otklik/otklik/internal/workflow"
)

// TestPipelineRoutesByHistory: where no rule and no registry house decides, a new message goes to the executor
// that answered the territory's category before, once serve has learned the history.
func TestPipelineRoutesByHistory(t *testing.T) {
	an := realAnalyzer(t)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := setup(t, st)
		teplo, err := st.PutExecutor(ctx, model.Executor{Code: "teplo", Name: "Иркутскэнерго, теплосети", Kind: "utility"})
		if err != nil {
			t.Fatal(err)
		}
		p := New(f.svc, an, Config{}, nil)
		op := model.Actor{Login: "op", Role: model.RoleOperator}
		mod := model.Actor{Login: "mod", Role: model.RoleModerator}
		ex := model.Actor{Login: "teplo", Role: model.RoleExecutor, ExecutorID: teplo}
		heating := func(id, street string) model.Message {
			return msg(id, "r"+id, "Холодные батареи, отопление не работает уже третий день, "+street, "zhkh.heating", "25701000", f.now)
		}
		first, err := p.Ingest(ctx, []model.Message{heating("h1", "ул. Лермонтова, 81")})
		if err != nil {
			t.Fatal(err)
		}
		if inc, _ := st.Incident(ctx, first[0].IncidentID); inc.Status != model.StatusNew {
			t.Fatalf("with no history the first goes to the operator: %s %q", inc.Status, inc.ExecutorCode)
		}
		for i := range 3 {
			res, err := p.Ingest(ctx, []model.Message{heating(fmt.Sprintf("a%d", i), fmt.Sprintf("ул. Чехова, %d", 10+i))})
			if err != nil {
				t.Fatal(err)
			}
			id := res[0].IncidentID
			if _, err := f.svc.Act(ctx, op, id, model.ActAssign, model.ActionArgs{ExecutorID: teplo}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Act(ctx, ex, id, model.ActAccept, model.ActionArgs{}); err != nil {
				t.Fatal(err)
			}
			a, err := f.svc.CreateAnswer(ctx, ex, id, workflow.AnswerInput{Kind: model.AnswerInterim, Text: "Бригада теплосетей выедет сегодня до 17:00 и проверит ввод в дом.", Submit: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.AnswerAct(ctx, mod, a.ID, model.AnsApprove, workflow.AnswerArgs{}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.AnswerAct(ctx, mod, a.ID, model.AnsPublish, workflow.AnswerArgs{}); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.svc.RefreshRoutingHistory(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := p.Ingest(ctx, []model.Message{heating("h2", "ул. Лермонтова, 130")})
		if err != nil {
			t.Fatal(err)
		}
		inc, _ := st.Incident(ctx, res[0].IncidentID)
		if inc.Status != model.StatusAssigned || inc.ExecutorCode != "teplo" {
			t.Fatalf("after the history: %s %q, want assigned to teplo", inc.Status, inc.ExecutorCode)
		}
		if storetest.CountEvents(t, st, inc.ID, "assign") != 1 {
			t.Fatal("the automatic assignment was not recorded")
		}
	})
}
