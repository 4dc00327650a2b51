package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := seed(t, st)
		uid, err := st.CreateUser(ctx, model.User{Login: "op", Name: "Оператор", Role: model.RoleOperator}, "x")
		if err != nil {
			t.Fatal(err)
		}
		other, err := st.CreateUser(ctx, model.User{Login: "ex", Role: model.RoleExecutor, ExecutorID: f.exA}, "x")
		if err != nil {
			t.Fatal(err)
		}
		at := f.base
		mk := func(hash string, user int64, created time.Time) int64 {
			t.Helper()
			id, err := st.CreateSession(ctx, store.Session{TokenHash: hash, UserID: user, CSRFSecret: "c-" + hash,
				CreatedAt: created, ExpiresAt: created.Add(12 * time.Hour), LastSeenAt: created, IP: "192.0.2.1", UserAgent: "test"})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		id1 := mk("h1", uid, at)
		mk("h2", uid, at.Add(time.Hour))
		mk("h3", other, at)
		se, u, err := st.SessionByToken(ctx, "h1")
		if err != nil || se.ID != id1 || se.CSRFSecret != "c-h1" || !se.ExpiresAt.Equal(at.Add(12*time.Hour)) || u.Login != "op" || u.Role != model.RoleOperator {
			t.Fatalf("session = %+v, user %+v, %v", se, u, err)
		}
		if _, _, err := st.SessionByToken(ctx, "nope"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("missing session: %v", err)
		}
		if err := st.TouchSession(ctx, id1, at.Add(30*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if se, _, _ := st.SessionByToken(ctx, "h1"); !se.LastSeenAt.Equal(at.Add(30 * time.Minute)) {
			t.Fatalf("last seen = %v", se.LastSeenAt)
		}
		// Stale: h3 was last seen at `at`, before the idle bound; h1 at +30m and h2 at +1h are kept.
		n, err := st.DeleteStaleSessions(ctx, at.Add(2*time.Hour), at.Add(10*time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("stale deleted %d, %v", n, err)
		}
		n, err = st.DeleteUserSessions(ctx, uid)
		if err != nil || n != 2 {
			t.Fatalf("deleted %d sessions of the user, %v", n, err)
		}
		if _, _, err := st.SessionByToken(ctx, "h2"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("session after sign-out everywhere: %v", err)
		}
		mk("h4", uid, at)
		if err := st.DeleteSession(ctx, "h4"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.SessionByToken(ctx, "h4"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("deleted session: %v", err)
		}

		// Reception links follow their message into the incident it belongs to now.
		res, err := st.Ingest(ctx, []store.IngestItem{f.item(1, "reception", f.terA, f.catHeat, 0, model.StatusNew, "Нет отопления в квартире")})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateReceptionLink(ctx, store.ReceptionLink{TokenHash: "t1", MessageID: res[0].MessageID, Number: res[0].Number, CreatedAt: at}); err != nil {
			t.Fatal(err)
		}
		l, err := st.ReceptionLinkByToken(ctx, "t1")
		if err != nil || l.IncidentID != res[0].IncidentID || l.Number != res[0].Number || l.MessageID != res[0].MessageID {
			t.Fatalf("link = %+v, %v; want incident %d", l, err, res[0].IncidentID)
		}
		res2, err := st.Ingest(ctx, []store.IngestItem{f.item(2, "reception", f.terA, f.catHeat, 0, model.StatusNew, "Холодные батареи")})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.WithTx(ctx, func(tx *store.Tx) error {
			_, err := tx.MoveMessages(ctx, res[0].IncidentID, res2[0].IncidentID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if l, err := st.ReceptionLinkByToken(ctx, "t1"); err != nil || l.IncidentID != res2[0].IncidentID {
			t.Fatalf("link after merge = %+v, %v; want incident %d", l, err, res2[0].IncidentID)
		}
		if _, err := st.ReceptionLinkByToken(ctx, "t2"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("unknown link: %v", err)
		}

		// The rating links of an incident's answers, in one query.
		inc := res2[0].IncidentID
		var ansIDs []int64
		if err := st.WithTx(ctx, func(tx *store.Tx) error {
			for i := 0; i < 2; i++ {
				id, err := tx.CreateAnswer(ctx, model.Answer{IncidentID: inc, Kind: model.AnswerInterim, State: model.AnswerPublished,
					Text: "Ответ", CreatedAt: at, UpdatedAt: at})
				if err != nil {
					return err
				}
				ansIDs = append(ansIDs, id)
				if err := tx.CreateRating(ctx, store.Rating{Token: fmt.Sprintf("rt%d", i), AnswerID: id, IncidentID: inc, CreatedAt: at}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		rs, err := st.RatingsOfIncident(ctx, inc)
		if err != nil || len(rs) != 2 || rs[0].Token != "rt0" || rs[0].AnswerID != ansIDs[0] || rs[1].AnswerID != ansIDs[1] || rs[0].RatedAt != nil {
			t.Fatalf("ratings %+v, %v", rs, err)
		}
		if rs, err := st.RatingsOfIncident(ctx, res[0].IncidentID); err != nil || len(rs) != 0 {
			t.Fatalf("ratings of another incident %+v, %v", rs, err)
		}
	})
}
