package api

import (
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/store"
)

func TestListIncidents(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		day := func(d, h int) string { return time.Date(2026, 11, d, h, 0, 0, 0, irkutsk).Format(time.RFC3339) }
		res := e.ingest(t,
			map[string]any{"source": "vk", "external_id": "l1", "text": "Холодные батареи в квартире, дети мёрзнут", "category": "zhkh.heating", "territory": terIrkutsk, "posted_at": day(2, 10)},
			map[string]any{"source": "vk", "external_id": "l2", "text": "Нет холодной воды в доме с утра", "category": "zhkh.water", "territory": terAngarsk, "posted_at": day(3, 10)},
			map[string]any{"source": "vk", "external_id": "l3", "text": "Глубокая яма на дороге у моста", "category": "roads.potholes", "territory": terShelek, "posted_at": day(4, 0)},
			map[string]any{"source": "vk", "external_id": "l4", "text": "Спасибо коммунальщикам за быструю работу", "category": "zhkh", "territory": terIrkutsk, "posted_at": day(4, 23)},
			map[string]any{"source": "vk", "external_id": "l5", "text": "Во дворе сломаны качели", "territory": terAngarsk, "posted_at": day(6, 10)},
		)
		id := make([]int64, 6)
		for i, r := range res.Results {
			id[i+1] = r.IncidentID
		}
		e.mustAct(t, "operator", id[1], "assign", map[string]any{"executor": "uk-a"}, "assigned")
		e.mustAct(t, "operator", id[2], "assign", map[string]any{"executor": "adm-b"}, "assigned")
		e.mustAct(t, "operator", id[4], "reject", map[string]any{"reason": "благодарность"}, "rejected")

		list := func(login, query string) []int64 {
			t.Helper()
			var page store.IncidentPage
			e.do(t, "GET", "/api/v1/incidents?"+query, login, nil).want(t, 200, &page)
			out := make([]int64, len(page.Items))
			for i, inc := range page.Items {
				out[i] = inc.ID
			}
			return out
		}
		ids := func(n ...int) []int64 {
			out := make([]int64, len(n))
			for i, k := range n {
				out[i] = id[k]
			}
			return out
		}
		cases := []struct {
			login, query string
			want         []int64
		}{
			{"operator", "", ids(5, 4, 3, 2, 1)},
			{"operator", "sort=created_asc", ids(1, 2, 3, 4, 5)},
			{"operator", "status=new", ids(5, 3)},
			{"operator", "status=new&status=rejected", ids(5, 4, 3)},
			{"operator", "status=new,rejected", ids(5, 4, 3)},
			{"operator", "category=zhkh", ids(4, 2, 1)},
			{"operator", "category=zhkh.water", ids(2)},
			{"operator", "category=zhkh.water,roads", ids(3, 2)},
			{"operator", "territory=" + terAngarsk, ids(5, 2)},
			{"operator", "executor=uk-a", ids(1)},
			{"operator", "status=assigned&territory=" + terIrkutsk, ids(1)},
			{"operator", "from=2026-11-03&to=2026-11-04", ids(4, 3, 2)},
			{"operator", "from=" + url.QueryEscape(day(4, 0)), ids(5, 4, 3)},
			{"operator", "to=" + url.QueryEscape(day(4, 0)), ids(2, 1)},
			{"operator", "q=квартира", ids(1)},
			{"operator", "q=" + url.QueryEscape("холодная вода"), ids(2)},
			{"operator", "q=" + url.QueryEscape("яма мост"), ids(3)},
			{"operator", "q=трамвай", ids()},
			{"operator", "sort=due", ids(1, 3, 2, 5)}, // the pothole has an 8-hour clock
			{"operator", "sort=due&status=new", ids(3, 5)},
			// Executors see their organisation's incidents only; asking for another one's yields nothing.
			{"exec-a", "", ids(1)},
			{"exec-a", "executor=uk-a", ids(1)},
			{"exec-a", "executor=adm-b", ids()},
			{"exec-c", "", ids()},
			// A territory-bound supervisor sees its territory only.
			{"sup-angarsk", "", ids(5, 2)},
			{"sup-angarsk", "territory=" + terIrkutsk, ids()},
			{"supervisor", "territory=" + terIrkutsk, ids(4, 1)},
		}
		for _, c := range cases {
			if got := list(c.login, c.query); !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
				t.Errorf("%s ?%s = %v, want %v", c.login, c.query, got, c.want)
			}
		}
		// Cursor pagination walks every incident once, in order, for each sort.
		for _, sort := range []string{"created", "created_asc", "due"} {
			var all []int64
			cursor := ""
			for pages := 0; ; pages++ {
				if pages > 10 {
					t.Fatal("pagination does not end")
				}
				var page store.IncidentPage
				q := url.Values{"limit": {"2"}, "sort": {sort}}
				if cursor != "" {
					q.Set("cursor", cursor)
				}
				e.do(t, "GET", "/api/v1/incidents?"+q.Encode(), "operator", nil).want(t, 200, &page)
				for _, inc := range page.Items {
					all = append(all, inc.ID)
				}
				if page.NextCursor == "" {
					break
				}
				cursor = page.NextCursor
			}
			if want := list("operator", "limit=500&sort="+sort); !slices.Equal(all, want) {
				t.Errorf("sort %s: pages %v, one list %v", sort, all, want)
			}
		}
		// Stats within scope.
		var s store.Stats
		e.do(t, "GET", "/api/v1/stats", "exec-a", nil).want(t, 200, &s)
		if s.Total != 1 || s.ByStatus["assigned"] != 1 {
			t.Errorf("executor stats = %+v", s)
		}
		e.do(t, "GET", "/api/v1/stats?territory="+terAngarsk+"&from=2026-11-01&to=2026-11-30", "admin", nil).want(t, 200, &s)
		if s.Total != 2 {
			t.Errorf("territory stats = %+v", s)
		}
		// Reference lists.
		for path, n := range map[string]int{"/api/v1/executors": 3, "/api/v1/categories": 5, "/api/v1/territories": 3, "/api/v1/users": 8} {
			var out struct{ Items []map[string]any }
			e.do(t, "GET", path, "admin", nil).want(t, 200, &out)
			if len(out.Items) != n {
				t.Errorf("%s: %d items, want %d", path, len(out.Items), n)
			}
		}
	})
}
