package workflow

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// Reference is a region's reference data as one document: what a deployment loads to start (`otklik reference
// import`) and keeps in step afterwards (PUT /api/v1/reference). Each list is merged into what is stored by its
// key (the region's code, OKTMO, category code, executor code): entries named are added or replaced whole, entries
// not named stay as they are. The region may be left out once one is stored.
type Reference struct {
	Region      *model.Region     `json:"region,omitempty"`
	Territories []model.Territory `json:"territories,omitempty"`
	Categories  []model.Category  `json:"categories,omitempty"`
	Executors   []model.Executor  `json:"executors,omitempty"`
}

// ReferenceReport counts what an import wrote.
type ReferenceReport struct {
	Region      bool `json:"region"`
	Territories int  `json:"territories"`
	Categories  int  `json:"categories"`
	Executors   int  `json:"executors"`
}

// TerritoryKinds are the kinds of municipality (131-ФЗ).
var TerritoryKinds = []string{"urban_okrug", "municipal_district", "municipal_okrug", "urban_settlement", "rural_settlement", "intracity_district"}

// Limits of reference data.
const (
	MaxReferenceItems = 10_000 // per list
	maxRefName        = 300
)

var (
	oktmoRe   = regexp.MustCompile(`^[0-9]{8}([0-9]{3})?$`)
	refCodeRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)
	regionRe  = regexp.MustCompile(`^[0-9]{2,3}$`)
)

// Validate checks the document against itself and what is stored (have): every field named "territories[3].oktmo"
// and so on, every reference resolvable, keys unique. It reports the first problem.
func (d Reference) Validate(have *store.Refs) error {
	for _, l := range []struct {
		name string
		n    int
	}{{"territories", len(d.Territories)}, {"categories", len(d.Categories)}, {"executors", len(d.Executors)}} {
		if l.n > MaxReferenceItems {
			return model.Invalid(l.name, fmt.Sprintf("at most %d entries per import; got %d", MaxReferenceItems, l.n))
		}
	}
	name := func(field, v string) error {
		switch {
		case strings.TrimSpace(v) == "":
			return model.Invalid(field, "required")
		case !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxRefName:
			return model.Invalid(field, fmt.Sprintf("at most %d characters of valid UTF-8", maxRefName))
		}
		return nil
	}
	if r := d.Region; r != nil {
		if !regionRe.MatchString(r.Code) {
			return model.Invalid("region.code", fmt.Sprintf("%q is not a subject's code of two or three digits (\"38\")", r.Code))
		}
		if err := name("region.name", r.Name); err != nil {
			return err
		}
		if len(have.Regions) > 0 && have.Regions[0].Code != r.Code {
			return model.Invalid("region.code", fmt.Sprintf("this deployment serves region %s; one deployment serves one region", have.Regions[0].Code))
		}
		if err := CheckCalendar(*r); err != nil {
			var fe *model.FieldError
			if errors.As(err, &fe) {
				field := "region.calendar." + fe.Field
				if fe.Field == "time_zone" {
					field = "region.time_zone"
				}
				return model.Invalid(field, fe.Reason)
			}
			return err
		}
		if err := r.Settings.Deadlines.Validate(); err != nil {
			var fe *model.FieldError
			if errors.As(err, &fe) {
				return model.Invalid("region.settings."+fe.Field, fe.Reason)
			}
			return err
		}
		if a := r.Settings.AutoApprove; a < 0 || a > 100 {
			return model.Invalid("region.settings.auto_approve", fmt.Sprintf("must be from 0 (off) to 100; got %d", a))
		}
	} else if len(have.Regions) == 0 && (len(d.Territories) > 0 || len(d.Executors) > 0) {
		return model.Invalid("region", "required: no region is stored yet")
	}

	territories := map[string]bool{}
	for _, t := range have.Territories {
		territories[t.OKTMO] = true
	}
	seen := map[string]bool{}
	for i, t := range d.Territories {
		p := fmt.Sprintf("territories[%d].", i)
		if !oktmoRe.MatchString(t.OKTMO) {
			return model.Invalid(p+"oktmo", fmt.Sprintf("%q is not an OKTMO code of 8 or 11 digits", t.OKTMO))
		}
		if seen[t.OKTMO] {
			return model.Invalid(p+"oktmo", fmt.Sprintf("%s is listed twice", t.OKTMO))
		}
		seen[t.OKTMO], territories[t.OKTMO] = true, true
		if err := name(p+"name", t.Name); err != nil {
			return err
		}
		if !slices.Contains(TerritoryKinds, t.Kind) {
			return model.Invalid(p+"kind", fmt.Sprintf("%q is not one of %s", t.Kind, strings.Join(TerritoryKinds, ", ")))
		}
		for j, v := range t.Variants {
			if err := name(fmt.Sprintf("%svariants[%d]", p, j), v); err != nil {
				return err
			}
		}
	}

	categories := map[string]string{} // code → parent
	for _, c := range have.Categories {
		categories[c.Code] = c.ParentCode
	}
	seen = map[string]bool{}
	for _, c := range d.Categories {
		categories[c.Code] = c.ParentCode
	}
	for i, c := range d.Categories {
		p := fmt.Sprintf("categories[%d].", i)
		top, sub, isSub := strings.Cut(c.Code, ".")
		switch {
		case !refCodeRe.MatchString(top) || (isSub && !refCodeRe.MatchString(sub)):
			return model.Invalid(p+"code", fmt.Sprintf("%q is not a code such as zhkh or zhkh.heating (lower-case Latin letters, digits, _ and -)", c.Code))
		case seen[c.Code]:
			return model.Invalid(p+"code", fmt.Sprintf("%s is listed twice", c.Code))
		case isSub && c.ParentCode != top:
			return model.Invalid(p+"parent", fmt.Sprintf("a subtopic's parent is its code's first part: want %q, got %q", top, c.ParentCode))
		case !isSub && c.ParentCode != "":
			return model.Invalid(p+"parent", "a topic has no parent (its code has no dot)")
		}
		seen[c.Code] = true
		if isSub {
			if parent, ok := categories[top]; !ok || parent != "" {
				return model.Invalid(p+"parent", fmt.Sprintf("no topic %q (list it too, or import it first)", top))
			}
		}
		if err := name(p+"name", c.Name); err != nil {
			return err
		}
		for _, h := range []struct {
			field string
			v     int
			max   int
		}{{"reaction_hours", c.ReactionHours, model.MaxReactionHours}, {"urgent_reaction_hours", c.UrgentReactionHours, model.MaxReactionHours},
			{"resolution_working_days", c.ResolutionWorkingDays, model.MaxResolutionDays}} {
			if h.v < 0 || h.v > h.max {
				return model.Invalid(p+h.field, fmt.Sprintf("must be from 0 (the region's term) to %d; got %d", h.max, h.v))
			}
		}
		if c.DefaultPriority != "" && !c.DefaultPriority.Valid() {
			return model.Invalid(p+"default_priority", fmt.Sprintf("%q is not normal, high or urgent", c.DefaultPriority))
		}
	}

	seen = map[string]bool{}
	for i, e := range d.Executors {
		p := fmt.Sprintf("executors[%d].", i)
		if !refCodeRe.MatchString(e.Code) {
			return model.Invalid(p+"code", fmt.Sprintf("%q is not a code of lower-case Latin letters, digits, _ and -", e.Code))
		}
		if seen[e.Code] {
			return model.Invalid(p+"code", fmt.Sprintf("%s is listed twice", e.Code))
		}
		seen[e.Code] = true
		if err := name(p+"name", e.Name); err != nil {
			return err
		}
		if !slices.Contains(model.ExecutorKinds, e.Kind) {
			return model.Invalid(p+"kind", fmt.Sprintf("%q is not one of %s", e.Kind, strings.Join(model.ExecutorKinds, ", ")))
		}
		if e.Email != "" && !strings.Contains(e.Email, "@") {
			return model.Invalid(p+"email", fmt.Sprintf("%q is not an e-mail address", e.Email))
		}
		for j, t := range e.Territories {
			if !territories[t] {
				return model.Invalid(fmt.Sprintf("%sterritories[%d]", p, j), fmt.Sprintf("no territory %q", t))
			}
		}
		for j, c := range e.Categories {
			if _, ok := categories[c]; !ok {
				return model.Invalid(fmt.Sprintf("%scategories[%d]", p, j), fmt.Sprintf("no category %q", c))
			}
		}
	}
	return nil
}

// ImportReference checks the document and writes it: the region, then the territories, the categories and the
// executors. Nothing is written when the check fails. Each entry is written on its own, so a failure of the
// database part-way leaves the entries before it written; importing the same document again completes it.
func (s *Service) ImportReference(ctx context.Context, d Reference) (ReferenceReport, error) {
	var rep ReferenceReport
	have, err := s.st.LoadRefs(ctx)
	if err != nil {
		return rep, err
	}
	if err := d.Validate(have); err != nil {
		return rep, err
	}
	defer s.InvalidateRefs()
	regionID := int64(0)
	if len(have.Regions) > 0 {
		regionID = have.Regions[0].ID
	}
	if d.Region != nil {
		if regionID, err = s.st.PutRegion(ctx, *d.Region); err != nil {
			return rep, err
		}
		rep.Region = true
	}
	for _, t := range d.Territories {
		t.RegionID = regionID
		if _, err := s.st.PutTerritory(ctx, t); err != nil {
			return rep, err
		}
		rep.Territories++
	}
	// Topics before their subtopics.
	cats := slices.Clone(d.Categories)
	slices.SortStableFunc(cats, func(a, b model.Category) int { return strings.Count(a.Code, ".") - strings.Count(b.Code, ".") })
	for _, c := range cats {
		if c.DefaultPriority == "" {
			c.DefaultPriority = model.PriorityNormal
		}
		if _, err := s.st.PutCategory(ctx, c); err != nil {
			return rep, err
		}
		rep.Categories++
	}
	for _, e := range d.Executors {
		if _, err := s.st.PutExecutor(ctx, e); err != nil {
			return rep, err
		}
		rep.Executors++
	}
	return rep, nil
}

// ExportReference returns what is stored as one document, which ImportReference takes back unchanged.
func (s *Service) ExportReference(ctx context.Context) (Reference, error) {
	refs, err := s.st.LoadRefs(ctx)
	if err != nil {
		return Reference{}, err
	}
	// Without the database's ids, which mean nothing to another deployment.
	d := Reference{Territories: slices.Clone(refs.Territories), Categories: slices.Clone(refs.Categories), Executors: slices.Clone(refs.Executors)}
	for i := range d.Territories {
		d.Territories[i].ID, d.Territories[i].RegionID = 0, 0
	}
	for i := range d.Categories {
		d.Categories[i].ID = 0
	}
	for i := range d.Executors {
		d.Executors[i].ID = 0
	}
	if len(refs.Regions) > 0 {
		r := refs.Regions[0]
		r.ID = 0
		d.Region = &r
	}
	return d, nil
}
