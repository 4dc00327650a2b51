package demo

import (
	"strings"
	"testing"
)

func TestIrkutskTerritories(t *testing.T) {
	ts := IrkutskTerritories()
	if len(ts) != 42 {
		t.Fatalf("got %d territories, want 42", len(ts))
	}
	seen := map[string]string{}
	kinds := map[string]int{}
	for _, tr := range ts {
		if len(tr.OKTMO) != 8 || strings.Trim(tr.OKTMO, "0123456789") != "" {
			t.Errorf("%s: OKTMO %q is not 8 digits", tr.Name, tr.OKTMO)
		}
		if !strings.HasPrefix(tr.OKTMO, "25") {
			t.Errorf("%s: OKTMO %q is not in Irkutsk oblast (25...)", tr.Name, tr.OKTMO)
		}
		if prev, ok := seen[tr.OKTMO]; ok {
			t.Errorf("OKTMO %s used by %s and %s", tr.OKTMO, prev, tr.Name)
		}
		seen[tr.OKTMO] = tr.Name
		if strings.TrimSpace(tr.Name) == "" || strings.TrimSpace(tr.ShortName) == "" || strings.TrimSpace(tr.Centre) == "" {
			t.Errorf("%s: empty name, short name or centre: %+v", tr.OKTMO, tr)
		}
		switch tr.Kind {
		case KindUrbanOkrug:
			if !strings.HasPrefix(tr.OKTMO, "257") {
				t.Errorf("%s: urban okrug code %s should start with 257", tr.Name, tr.OKTMO)
			}
		case KindMunicipalDistrict, KindMunicipalOkrug:
			if !strings.HasPrefix(tr.OKTMO, "256") {
				t.Errorf("%s: district code %s should start with 256", tr.Name, tr.OKTMO)
			}
		default:
			t.Errorf("%s: unknown kind %q", tr.Name, tr.Kind)
		}
		kinds[tr.Kind]++
		for _, st := range tr.Settlements {
			if strings.TrimSpace(st.Name) == "" {
				t.Errorf("%s: settlement with an empty name", tr.Name)
			}
		}
	}
	if kinds[KindUrbanOkrug] != 10 {
		t.Errorf("got %d urban okrugs, want 10", kinds[KindUrbanOkrug])
	}
	if kinds[KindMunicipalDistrict]+kinds[KindMunicipalOkrug] != 32 {
		t.Errorf("got %d districts and okrugs, want 32", kinds[KindMunicipalDistrict]+kinds[KindMunicipalOkrug])
	}
}

func TestIrkutskTerritoriesFreshCopy(t *testing.T) {
	a := IrkutskTerritories()
	a[0].Name = "changed"
	a[0].Variants[0] = "changed"
	a[1].Settlements[0].Name = "changed"
	b := IrkutskTerritories()
	if b[0].Name == "changed" || b[0].Variants[0] == "changed" || b[1].Settlements[0].Name == "changed" {
		t.Fatal("IrkutskTerritories shares memory between calls")
	}
}
