package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzPostMessages feeds arbitrary bodies to the batch endpoint: it must never fail with a 500, every answer is
// JSON, and a refused batch stores nothing.
func FuzzPostMessages(f *testing.F) {
	for _, s := range []string{
		`{"messages":[{"source":"vk","external_id":"1","text":"Нет света в подъезде"}]}`,
		`{"messages":[{"source":"vk","external_id":"2","text":"т","territory":"25701000","category":"zhkh","posted_at":"2026-11-13T17:30:00+08:00"}]}`,
		`{"messages":[{"source":"vk","external_id":"3","text":""}]}`,
		`{"messages":[null, 1, "x", []]}`, `{"messages":{}}`, `{"messages":[{"raw":{"a":[1,2]},"attachments":[1]}]}`,
		`[]`, `null`, `{`, `{"messages":[{"source":"vk","external_id":"4","text":"\ud800"}]}`, "",
	} {
		f.Add(s)
	}
	e := newEnv(f, openTestStore(f))
	f.Fuzz(func(t *testing.T, body string) {
		before := e.snapshot(t)
		r := e.do(t, "POST", "/api/v1/messages", "operator", body)
		if r.status == http.StatusInternalServerError {
			t.Fatalf("500 for %q: %s", body, r.body)
		}
		if !json.Valid(r.body) {
			t.Fatalf("not JSON: %s", r.body)
		}
		if r.status != http.StatusOK {
			e.unchanged(t, before)
		}
	})
}

// FuzzListQuery feeds arbitrary query strings to the incident list: 200 or a 422 naming a field, never a 500.
func FuzzListQuery(f *testing.F) {
	for _, s := range []string{"", "status=new", "status=new,foo", "q=яма+дорога", "sort=due&limit=3", "cursor=MTIzLjQ1",
		"from=2026-11-01&to=2026-11-02", "overdue=1", "limit=-1", "category=zhkh&territory=25701000&executor=uk-a", "%zz"} {
		f.Add(s)
	}
	e := newEnv(f, openTestStore(f))
	e.ingest(f, msg("f1", "Яма на дороге", "roads.potholes", terShelek), msg("f2", "Холодно в квартире", "zhkh.heating", terIrkutsk))
	f.Fuzz(func(t *testing.T, query string) {
		if _, err := url.ParseRequestURI("/api/v1/incidents?" + query); err != nil || strings.ContainsAny(query, " #") {
			return // not a request target a client could send
		}
		r := e.do(t, "GET", "/api/v1/incidents?"+query, "admin", nil)
		switch r.status {
		case http.StatusOK:
		case http.StatusUnprocessableEntity:
			var eb ErrorBody
			if err := json.Unmarshal(r.body, &eb); err != nil || eb.Error.Field == "" {
				t.Fatalf("422 without a field for %q: %s", query, r.body)
			}
		default:
			t.Fatalf("%q: %s", query, r)
		}
	})
}
