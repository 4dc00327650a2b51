package web

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// localPath never lets a redirect leave the site.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/reception", "//evil.example", "/\\evil.example", "https://evil.example", "/a\r\nSet-Cookie: x", "", "javascript:alert(1)", "/%2f%2fevil"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := localPath(next, "/fallback")
		if got == "/fallback" {
			return
		}
		if got != next || !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\") || strings.ContainsAny(got, "\r\n") {
			t.Fatalf("localPath(%q) = %q", next, got)
		}
	})
}

// The reception's field cleaners take any input: a cleaned line has no control characters, and a phone number
// accepted has 10 to 15 digits and only the usual separators.
func FuzzReceptionFields(f *testing.F) {
	for _, s := range []string{"+7 (3952) 20-00-00", "89025551234", "Галина\x00\tПетровна", "  ул. Ленина, 1 \n", "\xff\xfe", "+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := cleanLine(s)
		for _, r := range c {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("cleanLine(%q) = %q keeps a control character", s, c)
			}
		}
		if utf8.ValidString(s) && c != strings.TrimSpace(c) {
			t.Fatalf("cleanLine(%q) = %q not trimmed", s, c)
		}
		if validPhone(s) {
			digits := 0
			for _, r := range s {
				switch {
				case r >= '0' && r <= '9':
					digits++
				case strings.ContainsRune("+ -()", r):
				default:
					t.Fatalf("validPhone(%q) accepted %q", s, r)
				}
			}
			if digits < 10 || digits > 15 {
				t.Fatalf("validPhone(%q) with %d digits", s, digits)
			}
		}
	})
}

// FuzzParseFormDates: no text makes the settings form's date lists panic; what it accepts are valid dates,
// sorted, without repeats, at most maxFormDates.
func FuzzParseFormDates(f *testing.F) {
	f.Add("31.12.2026\n2026-12-30, 30.12.2026")
	f.Add("2026-02-30;32.01.2026")
	f.Add("\u00a0\u2028,,;;")
	f.Fuzz(func(t *testing.T, text string) {
		dates, key, _ := parseFormDates(text)
		if key != "" {
			return
		}
		if len(dates) > maxFormDates || !slices.IsSorted(dates) || len(slices.Compact(slices.Clone(dates))) != len(dates) {
			t.Fatalf("dates %q from %q", dates, text)
		}
		for _, d := range dates {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				t.Fatalf("%q from %q: %v", d, text, err)
			}
		}
	})
}
