package store_test

import (
	"context"
	"testing"

	"github.com/otklik/otklik/internal/store"
)

func TestOpenCounting(t *testing.T) {
	ctx := context.Background()
	st, c, err := store.OpenCounting(ctx, t.TempDir()+"/c.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c.Reset()
	if _, err := st.Categories(ctx); err != nil {
		t.Fatal(err)
	}
	if got := c.Count(); got != 1 {
		t.Fatalf("one list counted as %d statements", got)
	}
	c.Reset()
	if _, err := st.LoadRefs(ctx); err != nil {
		t.Fatal(err)
	}
	if got := c.Count(); got != 6 { // regions, territories, categories, executors and their two link tables
		t.Fatalf("LoadRefs counted as %d statements", got)
	}
}
