package store

import (
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
		if (err != nil) != tt.wantErr {
			t.Errorf("unpackInts(%q): error %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && !slices.EqualFunc(got, tt.want, slices.Equal) {
			t.Errorf("unpackInts(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
