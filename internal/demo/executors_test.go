package demo

import (
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func categorySet() map[string]bool {
	m := map[string]bool{}
	for _, c := range Categories() {
		m[c.Code] = true
	}
	return m
}

func territorySet() map[string]bool {
	m := map[string]bool{}
	for _, t := range IrkutskTerritories() {
		m[t.OKTMO] = true
	}
	return m
}

var (
	oktmoTop  = regexp.MustCompile(`^25[67]\d{2}000$`)
	fakePhone = regexp.MustCompile(`^\+7 \d{4,5} \d{1,2}-\d{2}-\d{2}$`)
)

func TestExecutors(t *testing.T) {
	cats, terrs := categorySet(), territorySet()
	kinds := []string{ExecutorOIV, ExecutorOMSU, ExecutorUK, ExecutorSchool, ExecutorKindergarten, ExecutorHospital,
		ExecutorCulture, ExecutorUtility, ExecutorRegionalOperator, ExecutorOther}
	seenKind := map[string]int{}
	codes := map[string]bool{}
	houses := map[string]string{} // territory + house → management company
	execs := Executors()
	if len(execs) < 35 || len(execs) > 60 {
		t.Errorf("%d executors, want about forty", len(execs))
	}
	for _, e := range execs {
		if e.Code == "" || codes[e.Code] {
			t.Errorf("empty or duplicate code %q", e.Code)
		}
		codes[e.Code] = true
		if e.Name == "" || e.ShortName == "" || e.Address == "" {
			t.Errorf("%s: name, short name and address are required", e.Code)
		}
		if !slices.Contains(kinds, e.Kind) {
			t.Errorf("%s: unknown kind %q", e.Code, e.Kind)
		}
		seenKind[e.Kind]++
		if len(e.Categories) == 0 {
			t.Errorf("%s: serves no category", e.Code)
		}
		for _, c := range e.Categories {
			if !cats[c] {
				t.Errorf("%s: unknown category %q", e.Code, c)
			}
		}
		for _, o := range e.Territories {
			if !oktmoTop.MatchString(o) {
				t.Errorf("%s: malformed OKTMO %q", e.Code, o)
			}
			if !terrs[o] {
				t.Errorf("%s: OKTMO %q is not a demo territory", e.Code, o)
			}
		}
		if a, err := mail.ParseAddress(e.Email); err != nil || !strings.HasSuffix(a.Address, ".example") {
			t.Errorf("%s: e-mail %q must be well-formed and fictional (.example)", e.Code, e.Email)
		}
		if !fakePhone.MatchString(e.Phone) || !strings.Contains(e.Phone, " 0") {
			t.Errorf("%s: phone %q must be well-formed and clearly fake", e.Code, e.Phone)
		}
		switch e.Kind {
		case ExecutorUK:
			if len(e.Territories) != 1 || len(e.Addresses) < 5 {
				t.Errorf("%s: a management company needs one territory and its houses, got %v, %d houses",
					e.Code, e.Territories, len(e.Addresses))
			}
			for _, h := range e.Addresses {
				key := e.Territories[0] + "|" + h
				if other, dup := houses[key]; dup {
					t.Errorf("house %q run by both %s and %s", h, other, e.Code)
				}
				houses[key] = e.Code
			}
		case ExecutorOMSU, ExecutorSchool, ExecutorKindergarten:
			if len(e.Territories) == 0 {
				t.Errorf("%s: a %s must be bound to a territory", e.Code, e.Kind)
			}
			if len(e.Addresses) != 0 {
				t.Errorf("%s: only management companies list houses", e.Code)
			}
		default:
			if len(e.Addresses) != 0 {
				t.Errorf("%s: only management companies list houses", e.Code)
			}
		}
	}
	for _, k := range kinds {
		if seenKind[k] == 0 {
			t.Errorf("no executor of kind %s", k)
		}
	}
	if seenKind[ExecutorOIV] < 6 || seenKind[ExecutorUK] < 5 {
		t.Errorf("want at least 6 ministries and 5 management companies, got %d and %d", seenKind[ExecutorOIV], seenKind[ExecutorUK])
	}
}

// TestExecutorsCoverEverySubtopic: every subtopic has an executor for the whole region, so routing always
// has somewhere to go besides the centre.
func TestExecutorsCoverEverySubtopic(t *testing.T) {
	regional := map[string]bool{}
	for _, e := range Executors() {
		if len(e.Territories) != 0 {
			continue
		}
		for _, c := range e.Categories {
			regional[c] = true
		}
	}
	for _, c := range Categories() {
		if c.Parent == "" || c.Code == "other.other" {
			continue
		}
		if !regional[c.Code] && !regional[c.Parent] {
			t.Errorf("%s: no region-wide executor", c.Code)
		}
	}
}

// TestExecutorsMainTerritories: each main demo territory has its administration as the fallback.
func TestExecutorsMainTerritories(t *testing.T) {
	fallback := map[string]bool{}
	for _, e := range Executors() {
		if e.Kind == ExecutorOMSU && slices.Contains(e.Categories, "other") {
			for _, o := range e.Territories {
				fallback[o] = true
			}
		}
	}
	for _, o := range []string{okIrkutsk, okAngarsk, okBratsk, okUsolye, okShelekhov, okIrkRayon} {
		if !fallback[o] {
			t.Errorf("territory %s has no administration", o)
		}
	}
}

func TestExecutorsFresh(t *testing.T) {
	a := Executors()
	for i := range a {
		if len(a[i].Categories) > 0 {
			a[i].Categories[0] = "changed"
		}
	}
	for _, e := range Executors() {
		if len(e.Categories) > 0 && e.Categories[0] == "changed" {
			t.Fatalf("%s: Executors shares memory between calls", e.Code)
		}
	}
}

func TestUsers(t *testing.T) {
	execs := map[string]Executor{}
	for _, e := range Executors() {
		execs[e.Code] = e
	}
	terrs := territorySet()
	roles := map[string]int{}
	logins := map[string]bool{}
	execKinds := map[string]bool{}
	var regionSupervisor, territorySupervisor bool
	for _, u := range Users() {
		if u.Login == "" || logins[u.Login] || u.Name == "" {
			t.Errorf("empty or duplicate login %q", u.Login)
		}
		logins[u.Login] = true
		roles[u.Role]++
		switch u.Role {
		case RoleExecutor:
			e, ok := execs[u.Executor]
			if !ok {
				t.Errorf("%s: unknown executor %q", u.Login, u.Executor)
			}
			execKinds[e.Kind] = true
		case RoleSupervisor:
			if u.Executor != "" {
				t.Errorf("%s: a supervisor has no executor", u.Login)
			}
			if u.Territory == "" {
				regionSupervisor = true
			} else {
				territorySupervisor = true
				if !terrs[u.Territory] {
					t.Errorf("%s: unknown territory %q", u.Login, u.Territory)
				}
			}
		case RoleAdmin, RoleOperator, RoleModerator:
			if u.Executor != "" || u.Territory != "" {
				t.Errorf("%s: centre staff are bound to no executor or territory", u.Login)
			}
		default:
			t.Errorf("%s: unknown role %q", u.Login, u.Role)
		}
	}
	for _, r := range []string{RoleAdmin, RoleOperator, RoleModerator, RoleExecutor, RoleSupervisor} {
		if roles[r] == 0 {
			t.Errorf("no user with role %s", r)
		}
	}
	for _, k := range []string{ExecutorUK, ExecutorSchool, ExecutorOMSU} {
		if !execKinds[k] {
			t.Errorf("no executor user for a %s", k)
		}
	}
	if !regionSupervisor || !territorySupervisor {
		t.Error("want a supervisor of the region and one of a territory")
	}
}
