package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// upload posts a file as the form field "file" with the page's CSRF token.
func (b *browser) upload(page, action, name string, data []byte) response {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField(CSRFField, b.token(page))
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		b.t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, err := http.NewRequest("POST", b.e.ts.URL+action, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// TestRoutingPage: operators and administrators read the rule table in words and the registry's size; the table
// downloads as the CSV the upload reads; an administrator replaces it with a file, which is refused whole — every
// bad line listed, nothing changed — when any line is wrong; an operator cannot upload.
func TestRoutingPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	op := e.browser(t)
	op.login("operator")
	res := op.get("/routing")
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `id="rule-list"`) || strings.Contains(res.Body, `id="rules-form"`) {
		t.Fatalf("the operator's page: %d\n%s", res.Status, res.Body)
	}
	if res := op.upload("/routing", "/routing/rules", "r.csv", []byte("executor\nuk-angara-dom\n")); res.Status != http.StatusForbidden {
		t.Fatalf("an operator uploads: %d", res.Status)
	}
	before, err := e.st.RoutingRules(ctx)
	if err != nil || len(before) == 0 {
		t.Fatalf("the demo's rules: %v, %v", before, err)
	}

	b := e.browser(t)
	b.login("admin")
	dl := b.get("/routing/rules.csv")
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(dl.Body, "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || len(rows) != len(before)+1 || strings.Join(rows[0], ",") != "position,category,territory,kind,executor,note" {
		t.Fatalf("the download: %v %q", err, rows)
	}

	bad := "position;category;executor\n10;zhkh;uk-angara-dom\n20;space;uk-angara-dom\n30;roads;nobody\n"
	res = b.upload("/routing", "/routing/rules", "bad.csv", []byte(bad))
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "line 3") || !strings.Contains(res.Body, "line 4") ||
		!strings.Contains(res.Body, `id="upload-errors"`) {
		t.Fatalf("a bad file: %d\n%s", res.Status, res.Body)
	}
	if after, _ := e.st.RoutingRules(ctx); len(after) != len(before) {
		t.Fatalf("a refused file changed the table: %d rules", len(after))
	}
	// The downloaded table, with one rule added, goes back up whole.
	res = b.upload("/routing", "/routing/rules", "rules.csv", []byte(dl.Body+"9999;roads.potholes;;;uk-angara-dom;проба\n"))
	if res.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", res.Status, res.Body)
	}
	after, err := e.st.RoutingRules(ctx)
	if err != nil || len(after) != len(before)+1 || after[len(after)-1].Note != "проба" {
		t.Fatalf("after the upload: %d rules (%v)", len(after), err)
	}
	if res := b.get("/routing?done=saved"); !strings.Contains(res.Body, `id="routing-notice"`) || !strings.Contains(res.Body, "проба") {
		t.Fatalf("the page after the upload:\n%s", res.Body)
	}
}
