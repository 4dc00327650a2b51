package workflow_test

import (
	"encoding/json"
	"testing"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

// FuzzReferenceValidate: no reference document makes the check panic, and one it accepts names no executor's
// territory or category that neither the document nor the stored data has.
func FuzzReferenceValidate(f *testing.F) {
	have := &store.Refs{Regions: []model.Region{{ID: 1, Code: "38", Name: "Иркутская область", TimeZone: "Asia/Irkutsk"}},
		Territories: []model.Territory{{OKTMO: "25701000"}}, Categories: []model.Category{{Code: "zhkh"}, {Code: "zhkh.heating", ParentCode: "zhkh"}}}
	f.Add(`{"executors":[{"code":"uk-1","name":"УК","kind":"uk","territories":["25701000"],"categories":["zhkh"]}]}`)
	f.Add(`{"region":{"code":"38","name":"И","time_zone":"Asia/Irkutsk","calendar":{"mode":"working","start":"25:00"}}}`)
	f.Add(`{"categories":[{"code":"a.b","parent":"a","name":"x"},{"code":"a","name":"y"}],"territories":[{"oktmo":"12345678901","name":"z","kind":"urban_okrug","variants":[""]}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var d workflow.Reference
		if json.Unmarshal([]byte(doc), &d) != nil {
			return
		}
		if d.Validate(have) != nil {
			return
		}
		known := map[string]bool{"25701000": true}
		for _, t := range d.Territories {
			known[t.OKTMO] = true
		}
		cats := map[string]bool{"zhkh": true, "zhkh.heating": true}
		for _, c := range d.Categories {
			cats[c.Code] = true
		}
		for _, e := range d.Executors {
			for _, x := range e.Territories {
				if !known[x] {
					t.Fatalf("accepted an executor in unknown territory %q", x)
				}
			}
			for _, c := range e.Categories {
				if !cats[c] {
					t.Fatalf("accepted an executor of unknown category %q", c)
				}
			}
		}
	})
}
