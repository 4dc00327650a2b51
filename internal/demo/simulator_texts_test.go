package demo

import (
	"testing"
	"unicode/utf8"
)

func TestStreamTexts(t *testing.T) {
	cats := map[string]Category{}
	for _, c := range Categories() {
		cats[c.Code] = c
	}
	terrs := territorySet()
	stream := StreamTexts()
	if len(stream) < 150 {
		t.Errorf("%d stream texts, want at least 150", len(stream))
	}
	kinds := map[string]int{}
	sources := map[string]int{}
	seen := map[string]int{}
	type problem struct{ subtopic, territory string }
	groups := map[string][]problem{}
	for i, s := range stream {
		kinds[s.Kind]++
		sources[s.Source]++
		switch s.Source {
		case SourceVK, SourceTelegram:
		default:
			t.Errorf("stream %d: unknown source %q", i, s.Source)
		}
		switch s.Kind {
		case StreamAppeal:
			if c, ok := cats[s.Subtopic]; !ok || c.Parent == "" {
				t.Errorf("stream %d: appeal with %q, not a subtopic", i, s.Subtopic)
			}
		case StreamGratitude, StreamOther:
			if s.Subtopic != "" || s.Group != "" {
				t.Errorf("stream %d: a %s message has a subtopic or group", i, s.Kind)
			}
		default:
			t.Errorf("stream %d: unknown kind %q", i, s.Kind)
		}
		if s.Territory != "" && !terrs[s.Territory] {
			t.Errorf("stream %d: territory %q is not a demo territory", i, s.Territory)
		}
		if n := utf8.RuneCountInString(s.Text); n == 0 || n > 200 {
			t.Errorf("stream %d: %d characters; a stream message is short and not empty", i, n)
		}
		n := normText(s.Text)
		if j, dup := seen[n]; dup {
			t.Errorf("stream %d repeats stream %d: %q", i, j, s.Text)
		}
		seen[n] = i
		if w := mixedScript(s.Text); w != "" {
			t.Errorf("stream %d: word %q mixes scripts", i, w)
		}
		if s.Group != "" {
			groups[s.Group] = append(groups[s.Group], problem{s.Subtopic, s.Territory})
		}
	}
	for _, k := range []string{StreamAppeal, StreamGratitude, StreamOther} {
		if kinds[k] < 30 {
			t.Errorf("%d %s messages, want at least 30", kinds[k], k)
		}
	}
	if sources[SourceVK] < 30 || sources[SourceTelegram] < 30 {
		t.Errorf("sources: %v, want both at least 30", sources)
	}
	if len(groups) < 2 {
		t.Errorf("%d groups, want at least 2 to show merging", len(groups))
	}
	for g, ps := range groups {
		if len(ps) < 3 {
			t.Errorf("group %s: %d messages, want at least 3", g, len(ps))
		}
		for _, p := range ps[1:] {
			if p != ps[0] {
				t.Errorf("group %s mixes problems %v and %v", g, ps[0], p)
			}
		}
	}
	// A stream message never repeats a sample text: the simulator and the seeded incidents stay distinct.
	for _, s := range SampleTexts() {
		if j, dup := seen[normText(s.Text)]; dup {
			t.Errorf("stream %d repeats a sample text: %q", j, s.Text)
		}
	}
}

func TestStreamTextsFresh(t *testing.T) {
	a := StreamTexts()
	a[0].Text = "changed"
	if StreamTexts()[0].Text == "changed" {
		t.Fatal("StreamTexts shares memory between calls")
	}
}
