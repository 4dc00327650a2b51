package store

import (
	"fmt"
	"slices"
	"testing"
)

func TestUnpackInts(t *testing.T) {
	tests := []struct {
		in      string
		want    [][]int64
		wantErr bool
	}{
		{"", nil, false},
		{"1 2 3 4", [][]int64{{1, 2, 3, 4}}, false},
		{"0 12 0 -5 7 8 9 3600000", [][]int64{{0, 12, 0, -5}, {7, 8, 9, 3600000}}, false},
		{"1 2 3", nil, true},     // not a whole group
		{"1 2 x 4", nil, true},   // not a number
		{"1 2 3 4-", nil, true},  // junk after a number
		{"1 2 3 - 4", nil, true}, // a sign alone
	}
	for _, tt := range tests {
		var got [][]int64
		err := unpackInts(tt.in, 4, func(g []int64) { got = append(got, slices.Clone(g)) })
		checkUnpacked(t, fmt.Sprintf("unpackInts(%q)", tt.in), got, err, tt.want, tt.wantErr)
	}
}

// checkUnpacked reports a call's groups and error against the wanted ones.
func checkUnpacked(t *testing.T, call string, got [][]int64, err error, want [][]int64, wantErr bool) {
	t.Helper()
	if (err != nil) != wantErr {
		t.Errorf("%s: error %v, want error %v", call, err, wantErr)
		return
	}
	if !wantErr && !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("%s = %v, want %v", call, got, want)
	}
}

func TestUnpackColumns(t *testing.T) {
	tests := []struct {
		in      []string
		want    [][]int64
		wantErr bool
	}{
		{[]string{"", "", ""}, nil, false},
		{[]string{"1", "2", "3"}, [][]int64{{1, 2, 3}}, false},
		{[]string{"1 4", "2 -5", "3 3600000"}, [][]int64{{1, 2, 3}, {4, -5, 3600000}}, false},
		{[]string{" 1  4 ", "2 5", "3 6"}, [][]int64{{1, 2, 3}, {4, 5, 6}}, false}, // extra spaces
		{[]string{"1 4", "2", "3 6"}, nil, true},                                   // one list shorter
		{[]string{"", "2", ""}, nil, true},                                         // one list alone
		{[]string{"1 4", "2 x", "3 6"}, nil, true},                                 // not a number
		{[]string{"1 4", "2 5-", "3 6"}, nil, true},                                // junk after a number
	}
	for _, tt := range tests {
		var got [][]int64
		err := unpackColumns(tt.in, func(g []int64) { got = append(got, slices.Clone(g)) })
		checkUnpacked(t, fmt.Sprintf("unpackColumns(%q)", tt.in), got, err, tt.want, tt.wantErr)
	}
}

func FuzzUnpackColumns(f *testing.F) {
	f.Add("1 2", "3 4", "5 -6")
	f.Add("", "7", "x")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		rows := 0
		err := unpackColumns([]string{a, b, c}, func(g []int64) {
			if len(g) != 3 {
				t.Fatalf("row of %d", len(g))
			}
			rows++
		})
		if err == nil {
			// Each list held exactly rows numbers: unpackInts agrees.
			for _, s := range []string{a, b, c} {
				n := 0
				if unpackInts(s, 1, func([]int64) { n++ }) != nil || n != rows {
					t.Fatalf("%q: %d numbers, %d rows", s, n, rows)
				}
			}
		}
	})
}
