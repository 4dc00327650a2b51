package routingcsv

import (
	"bytes"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/routing"
	"github.com/otklik/otklik/internal/store"
)

// routingRefs is the reference data of the parsing tests (the CLI's tests have the same).
func routingRefs() *store.Refs {
	return &store.Refs{
		Territories: []model.Territory{
			{ID: 1, OKTMO: "25701000", Name: "город Иркутск", ShortName: "Иркутск"},
			{ID: 2, OKTMO: "25703000", Name: "Ангарский городской округ", ShortName: "Ангарск"},
		},
		Categories: []model.Category{{ID: 1, Code: "zhkh", Name: "ЖКХ"}, {ID: 2, Code: "zhkh.heating", ParentCode: "zhkh", Name: "Отопление"}, {ID: 3, Code: "roads", Name: "Дороги"}},
		Executors: []model.Executor{
			{ID: 1, Code: "uk-1", Name: "ООО «УК Северная»", Kind: "uk"},
			{ID: 2, Code: "uk-2", Name: "ООО «Управляющая компания Южная»", ShortName: "УК Южная", Kind: "uk"},
			{ID: 3, Code: "adm-ang", Name: "Администрация Ангарского городского округа", Kind: "omsu", Territories: []string{"25703000"}},
		},
	}
}

func TestDetectSeparatorAndEncoding(t *testing.T) {
	for _, c := range []struct {
		line string
		want rune
	}{
		{"a;b;c", ';'}, {"a,b,c", ','}, {`"a,b";c`, ';'}, {"a\tb", '\t'}, {"a", ','}, {`"x;y",z`, ','},
	} {
		if got := detectSeparator(c.line); got != c.want {
			t.Errorf("%q: %q, want %q", c.line, got, c.want)
		}
	}
	utf := []byte("Адрес")
	if !validUTF8Prefix(utf) || !validUTF8Prefix(utf[:3]) || validUTF8Prefix([]byte{0xc0, 'a', 'b', 'c', 'd'}) {
		t.Error("validUTF8Prefix")
	}
	f, err := openCSV(bytes.NewReader([]byte{0xc0, 0xe4, 0xf0, 0xe5, 0xf1, ';', 'x', '\n'})) // «Адрес;x» in Windows-1251
	if err != nil || len(f.header) != 2 || f.header[0] != "Адрес" {
		t.Fatalf("Windows-1251 header: %v %v", f, err)
	}
	if normKey(" 1023 801-234567 ") != "1023801234567" || normKey("ООО «УК Северная»") != "ооо ук северная" || normKey("Ёлка") != "елка" {
		t.Error("normKey")
	}
}

func FuzzParseRulesCSV(f *testing.F) {
	f.Add("position;category;territory;kind;executor;note\n10;zhkh;25701000;uk;uk-1;x\n")
	f.Add("executor\n\"uk-1\n")
	f.Add("executor,note\nuk-2,\"a\"\"b\"\n,\n")
	refs := routingRefs()
	f.Fuzz(func(t *testing.T, text string) {
		rules, bad, err := ParseRulesCSV(strings.NewReader(text), refs)
		if err != nil {
			return
		}
		if len(bad) > 0 && rules != nil {
			t.Fatalf("rules returned with %d bad lines", len(bad))
		}
		for _, r := range rules {
			if _, ok := refs.ExecutorByCode(r.Executor); !ok || r.Position < 0 {
				t.Fatalf("invalid rule accepted: %+v", r)
			}
		}
		for _, le := range bad {
			if le.Line < 2 {
				t.Fatalf("bad line number %d", le.Line)
			}
		}
	})
}

func FuzzParseBuildingsCSV(f *testing.F) {
	f.Add("Адрес ОЖФ;Код ОКТМО;ОГРН организации;Наименование организации\n\"г. Иркутск, ул. Ленина, д. 5\";25701000;1023801234567;ООО «УК Северная»\n")
	f.Add("Адрес ОЖФ,ОГРН организации\nул. Ленина 5,uk-1\n")
	f.Add("Адрес ОЖФ;ОГРН организации\n\"ул. Ленина\"\"5;\n")
	refs := routingRefs()
	cols := BuildingColumns{Address: "Адрес ОЖФ", Executor: "ОГРН организации", Territory: "",
		ExecutorMap: map[string]string{"1023801234567": "uk-1"}}
	f.Fuzz(func(t *testing.T, text string) {
		rows, bad, err := ParseBuildingsCSV(strings.NewReader(text), cols, refs)
		if err != nil {
			return
		}
		for _, r := range rows {
			if r.Building.Key == "" || r.Building.Key != routing.AddressKey(r.Building.Address) || r.Line < 2 {
				t.Fatalf("bad row accepted: %+v", r)
			}
			if _, ok := refs.ExecutorByCode(r.Building.Executor); !ok {
				t.Fatalf("unknown executor accepted: %+v", r)
			}
		}
		for _, le := range bad {
			if le.Line < 2 {
				t.Fatalf("bad line number %d", le.Line)
			}
		}
	})
}
