package api

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

type openAPIDocument struct {
	OpenAPI string                                 `json:"openapi"`
	Paths   map[string]map[string]openAPIOperation `json:"paths"`
}

type openAPIOperation struct {
	OperationID string            `json:"operationId"`
	Parameters  []json.RawMessage `json:"parameters"`
	Responses   map[string]any    `json:"responses"`
	Security    *[]any            `json:"security"`
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// TestOpenAPIMatchesRoutes checks the embedded document against the route table: every registered route is
// documented with its path parameters, nothing is documented that is not registered, and each route really is
// registered on the handler (a request without a token reaches it: 401 for protected routes, not the 404/405 of
// the fallbacks).
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc openAPIDocument
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	var documented, registered []string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if method == "parameters" {
				continue
			}
			documented = append(documented, strings.ToUpper(method)+" "+path)
			if op.OperationID == "" || len(op.Responses) == 0 {
				t.Errorf("%s %s: no operationId or responses", method, path)
			}
			names := map[string]bool{}
			for _, raw := range op.Parameters {
				var p struct {
					Ref  string `json:"$ref"`
					Name string `json:"name"`
					In   string `json:"in"`
				}
				_ = json.Unmarshal(raw, &p)
				if p.Ref != "" {
					p.Name, p.In = resolveParam(t, p.Ref)
				}
				if p.In == "path" {
					names[p.Name] = true
				}
			}
			for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
				if !names[m[1]] {
					t.Errorf("%s %s: path parameter {%s} not documented", method, path, m[1])
				}
			}
		}
	}
	for _, rt := range routes {
		registered = append(registered, rt.Method+" "+rt.Path)
	}
	sort.Strings(documented)
	sort.Strings(registered)
	for _, r := range registered {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(registered, d) {
			t.Errorf("openapi.json documents %s, which is not registered", d)
		}
	}

	e := newEnv(t, openTestStore(t))
	for _, rt := range routes {
		path := pathParam.ReplaceAllString(rt.Path, "1")
		r := e.do(t, rt.Method, path, "", nil)
		want := http.StatusUnauthorized
		if rt.Public {
			want = http.StatusOK
		}
		switch {
		case rt.Public && want != r.status:
			// A public route with a made-up parameter may answer with its own error (an unknown rating link is
			// 404), never with the fallbacks' "no such route" or 405.
			if r.status == http.StatusMethodNotAllowed || r.status == http.StatusUnauthorized || strings.Contains(string(r.body), "no such route") {
				t.Errorf("%s %s without a token: %s, want the route's own answer", rt.Method, path, r)
			}
		case r.status != want:
			t.Errorf("%s %s without a token: %s, want %d", rt.Method, path, r, want)
		}
		if rt.Public {
			if op := doc.Paths[rt.Path][strings.ToLower(rt.Method)]; op.Security == nil || len(*op.Security) != 0 {
				t.Errorf("public %s %s must be documented with security: []", rt.Method, rt.Path)
			}
		}
	}
}

func resolveParam(t *testing.T, ref string) (name, in string) {
	var doc struct {
		Components struct {
			Parameters map[string]struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	p, ok := doc.Components.Parameters[strings.TrimPrefix(ref, "#/components/parameters/")]
	if !ok {
		t.Fatalf("dangling parameter reference %s", ref)
	}
	return p.Name, p.In
}

// TestOpenAPIReferences checks that every $ref of the document points at something defined.
func TestOpenAPIReferences(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	n := 0
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				n++
				parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
				var cur any = doc
				for _, p := range parts {
					m, ok := cur.(map[string]any)
					if !ok || m[p] == nil {
						t.Errorf("dangling $ref %s", ref)
						return
					}
					cur = m[p]
				}
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(doc)
	if n < 20 {
		t.Fatalf("only %d references: the document lost its components?", n)
	}
}
