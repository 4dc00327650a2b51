package open311

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// FuzzParseRequest: no posted form makes the request parser panic; what it accepts has a known service, a
// location, a description within the limit and valid UTF-8, and makes a message the pipeline accepts.
func FuzzParseRequest(f *testing.F) {
	refs := &store.Refs{Categories: []model.Category{{ID: 1, Code: "roads"}, {ID: 2, Code: "roads.potholes", ParentCode: "roads", Name: "Ямы"}}}
	f.Add("service_code=roads.potholes&address_string=%D1%83%D0%BB.+%D0%9C%D0%B8%D1%80%D0%B0%2C+1&description=%D0%AF%D0%BC%D0%B0")
	f.Add("service_code=roads.potholes&lat=52.28&long=104.3&media_url=https://example.org/a.jpg&email=a@b")
	f.Add("service_code=roads&lat=NaN&long=Inf")
	f.Add("service_code=roads.potholes&lat=1e400&long=-0&address_id=7")
	f.Add("service_code=roads.potholes&address_string=%ff%fe&description=%00")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		in, cat, err := parseRequest(form, refs)
		if err != nil {
			return
		}
		if cat.Code != "roads.potholes" || (in.Lat == nil && in.Address == "") || utf8.RuneCountInString(in.Description) > MaxDescription ||
			!utf8.ValidString(in.Description) {
			t.Fatalf("accepted %+v for %q", in, body)
		}
		m := in.message(cat, "o311-x", time.Unix(0, 0), model.Actor{Login: "app"})
		if strings.TrimSpace(m.Text) == "" || m.Source != model.Open311Source || m.Category != cat.Code {
			t.Fatalf("message %+v from %q", m, body)
		}
	})
}
