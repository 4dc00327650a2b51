package demo

import (
	"slices"
	"testing"
)

// wantCodes is the exact category tree other packages (the topic classifier) rely on.
var wantCodes = []string{
	"zhkh", "zhkh.heating", "zhkh.water", "zhkh.sewerage", "zhkh.stairwell", "zhkh.roof", "zhkh.facade",
	"zhkh.basement", "zhkh.elevator", "zhkh.mkd_other",
	"roads", "roads.potholes", "roads.snow", "roads.signs_lights", "roads.sidewalks",
	"blago", "blago.yard", "blago.snow_ice", "blago.lighting", "blago.playgrounds", "blago.greenery",
	"blago.ads_illegal", "blago.street_trade", "blago.graffiti",
	"transport", "transport.routes", "transport.stops", "transport.schedule",
	"health", "health.polyclinic", "health.medicine", "health.ambulance",
	"education", "education.school", "education.kindergarten",
	"social", "social.benefits", "social.elderly",
	"waste", "waste.containers", "waste.collection", "waste.dumps",
	"energy", "energy.power_outage", "energy.gas",
	"ecology", "ecology.air", "ecology.water_bodies",
	"animals", "animals.stray",
	"culture", "culture.sport", "culture.culture",
	"safety", "safety.public_order", "safety.fire",
	"telecom", "telecom.internet_mobile",
	"other", "other.other",
}

func TestCategoriesExactTree(t *testing.T) {
	var got []string
	for _, c := range Categories() {
		got = append(got, c.Code)
	}
	if !slices.Equal(got, wantCodes) {
		t.Fatalf("category codes differ:\n got %q\nwant %q", got, wantCodes)
	}
}

func TestCategoriesWellFormed(t *testing.T) {
	cats := Categories()
	byCode := map[string]Category{}
	names := map[string]bool{}
	for _, c := range cats {
		if _, dup := byCode[c.Code]; dup {
			t.Errorf("duplicate code %q", c.Code)
		}
		byCode[c.Code] = c
		if c.Name == "" || c.NameEn == "" {
			t.Errorf("%s: empty name", c.Code)
		}
		if names[c.Name] {
			t.Errorf("%s: duplicate Russian name %q", c.Code, c.Name)
		}
		names[c.Name] = true
		if c.ReactionHours <= 0 || c.UrgentReactionHours <= 0 || c.UrgentReactionHours > c.ReactionHours {
			t.Errorf("%s: reaction %d h, urgent %d h", c.Code, c.ReactionHours, c.UrgentReactionHours)
		}
		if c.ResolutionWorkingDays <= 0 || c.ResolutionWorkingDays > 30 {
			t.Errorf("%s: resolution %d working days", c.Code, c.ResolutionWorkingDays)
		}
		switch c.DefaultPriority {
		case PriorityNormal, PriorityHigh, PriorityUrgent:
		default:
			t.Errorf("%s: priority %q", c.Code, c.DefaultPriority)
		}
		if c.TOTK != "" && len(c.TOTK) != 4 {
			t.Errorf("%s: TOTK %q is not a section code", c.Code, c.TOTK)
		}
	}
	for _, c := range cats {
		if c.Parent == "" {
			if parentOf(c.Code) != "" {
				t.Errorf("%s: topic code has a dot", c.Code)
			}
			continue
		}
		p, ok := byCode[c.Parent]
		if !ok {
			t.Errorf("%s: parent %q does not exist", c.Code, c.Parent)
			continue
		}
		if p.Parent != "" {
			t.Errorf("%s: parent %q is not a topic", c.Code, c.Parent)
		}
		if parentOf(c.Code) != c.Parent {
			t.Errorf("%s: code does not start with its parent %q", c.Code, c.Parent)
		}
		if len(c.Keywords) == 0 && c.Code != "other.other" {
			t.Errorf("%s: no keywords", c.Code)
		}
	}
	// Every topic has at least one subtopic.
	for _, c := range cats {
		if c.Parent != "" {
			continue
		}
		n := 0
		for _, d := range cats {
			if d.Parent == c.Code {
				n++
			}
		}
		if n == 0 {
			t.Errorf("topic %s has no subtopics", c.Code)
		}
	}
}

func TestCategoriesDeadlines(t *testing.T) {
	byCode := map[string]Category{}
	for _, c := range Categories() {
		byCode[c.Code] = c
	}
	for _, code := range []string{"zhkh.heating", "zhkh.water", "energy.gas", "energy.power_outage", "health.ambulance"} {
		if c := byCode[code]; c.DefaultPriority != PriorityUrgent || c.UrgentReactionHours != 4 {
			t.Errorf("%s: priority %q, urgent reaction %d h; want urgent, 4 h", code, c.DefaultPriority, c.UrgentReactionHours)
		}
	}
	for _, code := range []string{"zhkh.roof", "zhkh.facade", "roads.potholes"} {
		if c := byCode[code]; c.ResolutionWorkingDays < 20 {
			t.Errorf("%s: %d working days; long works need 20 or more", code, c.ResolutionWorkingDays)
		}
	}
	for _, code := range []string{"blago.yard", "roads.potholes", "blago.graffiti", "waste.containers"} {
		if !byCode[code].RequiresProof {
			t.Errorf("%s: proof not required", code)
		}
	}
}

func TestCategoriesFresh(t *testing.T) {
	a := Categories()
	a[1].Name = "changed"
	a[1].Keywords[0] = "changed"
	b := Categories()
	if b[1].Name == "changed" || b[1].Keywords[0] == "changed" {
		t.Fatal("Categories shares memory between calls")
	}
}

func TestSubtopics(t *testing.T) {
	subs := Subtopics()
	if len(subs) != 45 {
		t.Fatalf("got %d subtopics, want 45", len(subs))
	}
	if subs[0] != "zhkh.heating" || subs[len(subs)-1] != "other.other" {
		t.Fatalf("subtopics out of order: %q … %q", subs[0], subs[len(subs)-1])
	}
}
