package geo

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFindAddressOnPortalAddresses reads the St Petersburg portal's own
// address field («г.Санкт-Петербург, Мебельная улица, дом 47, корпус 1,
// литера А»: the street, then «дом» and the number) for every distinct house
// address of ../shared/data, and checks that FindAddress finds the street
// and the house number in it. These addresses are written by the portal,
// not by residents, but their street names are the city's real variety:
// possessives («Клочков переулок»), ordinals («10-я линия В.О.»),
// embankments of rivers and canals, house ranges («дом 26-28»).
func TestFindAddressOnPortalAddresses(t *testing.T) {
	path := filepath.Join("..", "..", "..", "..", "shared", "data", "spb-gorod-appeals", "messages.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("St Petersburg data absent (%s): %v; put ../shared/data next to the repository to run this test", path, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		t.Fatalf("reading the header: %v", err)
	}
	col := -1
	for i, h := range header {
		if h == "address" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("no address column in %v", header)
	}
	seen := map[string]bool{}
	var n, street, house int
	var misses []string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("reading %s: %v", path, err)
		}
		addr := rec[col]
		fields := strings.Split(addr, ", ")
		hi := -1
		for i, fl := range fields {
			if strings.HasPrefix(fl, "дом ") {
				hi = i
				break
			}
		}
		if hi < 1 || seen[addr] {
			continue
		}
		seen[addr] = true
		n++
		wantStreet, wantHouse := strings.ToLower(fields[hi-1]), strings.ToLower(strings.TrimPrefix(fields[hi], "дом "))
		a, ok := FindAddress(addr)
		okStreet := ok && a.Street != "" && strings.Contains(strings.ToLower(wantStreet), strings.ToLower(a.Street))
		okHouse := ok && a.House != "" && strings.HasPrefix(wantHouse, a.House)
		if okStreet {
			street++
		}
		if okHouse {
			house++
		}
		if (!okStreet || !okHouse) && len(misses) < 15 {
			misses = append(misses, addr+" → «"+a.Street+"» «"+a.House+"»")
		}
	}
	if n < 1000 {
		t.Fatalf("only %d distinct house addresses in %s", n, path)
	}
	t.Logf("%d distinct house addresses: street found %.4f, house number found %.4f", n, float64(street)/float64(n), float64(house)/float64(n))
	for _, m := range misses {
		t.Log("miss:", m)
	}
	if float64(street)/float64(n) < 0.98 || float64(house)/float64(n) < 0.98 {
		t.Errorf("street %.4f, house %.4f: want at least 0.98 each", float64(street)/float64(n), float64(house)/float64(n))
	}
}
