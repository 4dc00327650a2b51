package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

// TestTokens: tokens are listed newest first with their user, their use is recorded at most once an hour, and a
// revoked one no longer finds its user.
func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		id, err := st.CreateUser(ctx, model.User{Login: "app", Name: "Приложение", Role: model.RoleOperator}, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"hash-1", "hash-2"} {
			if err := st.CreateToken(ctx, id, h, "label "+h); err != nil {
				t.Fatal(err)
			}
		}
		list, err := st.Tokens(ctx)
		if err != nil || len(list) != 2 || list[0].Name != "label hash-2" || list[0].Login != "app" || list[0].Role != "operator" || list[0].LastUsedAt != nil {
			t.Fatalf("tokens %+v, %v", list, err)
		}
		t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
		for _, at := range []time.Time{t0, t0.Add(10 * time.Minute)} {
			if err := st.TouchToken(ctx, "hash-1", at); err != nil {
				t.Fatal(err)
			}
		}
		used := func() *time.Time {
			t.Helper()
			list, err := st.Tokens(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return list[1].LastUsedAt
		}
		if u := used(); u == nil || !u.Equal(t0) {
			t.Fatalf("last used %v, want %v (the second use within the hour is not written)", u, t0)
		}
		if err := st.TouchToken(ctx, "hash-1", t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if u := used(); u == nil || !u.Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("last used %v after two hours", u)
		}
		if err := st.RevokeToken(ctx, list[1].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.UserByToken(ctx, "hash-1"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("a revoked token: %v", err)
		}
		if err := st.RevokeToken(ctx, list[1].ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("revoking twice: %v", err)
		}
	})
}
