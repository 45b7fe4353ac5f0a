package core_test

import (
	"math"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

func TestContrastRatio(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#777777", "#ffffff", 4.48}, // the classic just-too-light grey
		{"#4f46e5", "#ffffff", 6.29},
		{"nope", "#ffffff", 1},
	} {
		if got := core.ContrastRatio(c.a, c.b); math.Abs(got-c.want) > 0.01 {
			t.Errorf("ContrastRatio(%s, %s) = %.3f, want %.2f", c.a, c.b, got, c.want)
		}
	}
}

func TestAdjustForContrast(t *testing.T) {
	if got := core.AdjustForContrast("#4f46e5", "#ffffff", 4.5); got != "#4f46e5" {
		t.Errorf("a colour with enough contrast changed to %s", got)
	}
	for _, c := range []struct{ fg, bg string }{
		{"#ffd60a", "#f6f7fb"}, // yellow on light: darkened
		{"#777777", "#ffffff"},
		{"#4f46e5", "#1f2937"}, // indigo on dark: lightened
		{"#000000", "#111827"},
		{"#ffffff", "#ffffff"},
		{"#808080", "#767676"}, // a mid grey background: either way
	} {
		got := core.AdjustForContrast(c.fg, c.bg, 4.5)
		if r := core.ContrastRatio(got, c.bg); r < 4.5 {
			t.Errorf("AdjustForContrast(%s, %s) = %s, contrast %.2f < 4.5", c.fg, c.bg, got, r)
		}
	}
	// Only as far as needed: a just-too-light grey moves a little.
	if got := core.AdjustForContrast("#777777", "#ffffff", 4.5); got != "#767676" && got != "#757575" {
		t.Errorf("#777777 on white became %s, want the nearest grey that passes", got)
	}
}

// TestSchemesHoldContrast: for colours across the wheel and its extremes,
// every text and background pair of both schemes reaches AA.
func TestSchemesHoldContrast(t *testing.T) {
	for _, color := range []string{referralhub.DefaultBrandColor, "#ffd60a", "#000000", "#ffffff", "#00ff00",
		"#ff0000", "#0000ff", "#22d3ee", "#7c3aed", "#808080", "#1e1b4b", "bogus"} {
		s := core.SchemesOf(color)
		for _, pair := range [][2]string{
			{s.TextOnLight, core.LightSchemeBackground}, {s.TextOnLight, "#ffffff"},
			{s.TextOnDark, core.DarkSchemeBackground}, {s.TextOnDark, "#111827"}, {s.TextOnDark, "#0b1120"},
			{s.OnTintLight, s.TintLight}, {s.OnTintDark, s.TintDark},
		} {
			if r := core.ContrastRatio(pair[0], pair[1]); r < core.MinTextContrast {
				t.Errorf("%s: %s on %s is %.2f:1", color, pair[0], pair[1], r)
			}
		}
	}
	if s := core.SchemesOf(referralhub.DefaultBrandColor); s.TextOnLight != "#4f46e5" {
		t.Errorf("the default indigo needs no change on light, got %s", s.TextOnLight)
	}
}
