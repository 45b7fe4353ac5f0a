package core

import (
	"fmt"
	"math"
	"strconv"

	"github.com/referralhub/referralhub"
)

// Palette is what the site and the mails paint with, derived from the
// brand colour. Every value is "#rrggbb".
type Palette struct {
	Brand string // the brand colour: buttons, links, accents
	Dark  string // a darker shade, for hover
	Soft  string // a pale tint, for backgrounds behind brand-coloured text
	Text  string // black or white, whichever reads better on Brand
}

// PaletteOf derives the palette of a brand colour; an invalid colour gets
// the default's.
func PaletteOf(color string) Palette {
	rgb, ok := parseColor(color)
	if !ok {
		rgb, _ = parseColor(referralhub.DefaultBrandColor)
		color = referralhub.DefaultBrandColor
	}
	var dark, soft [3]float64
	for i, c := range rgb {
		dark[i] = c * 0.85
		soft[i] = 255 - (255-c)*0.1
	}
	text := "#ffffff"
	if !whiteReads(rgb) {
		text = "#111827" // the site's text colour
	}
	return Palette{Brand: color, Dark: hexColor(dark), Soft: hexColor(soft), Text: text}
}

func parseColor(s string) ([3]float64, bool) {
	var rgb [3]float64
	if !IsBrandColor(s) {
		return rgb, false
	}
	for i := range rgb {
		n, _ := strconv.ParseUint(s[1+2*i:3+2*i], 16, 8)
		rgb[i] = float64(n)
	}
	return rgb, true
}

func hexColor(rgb [3]float64) string {
	return fmt.Sprintf("#%02x%02x%02x", uint8(math.Round(rgb[0])), uint8(math.Round(rgb[1])), uint8(math.Round(rgb[2])))
}

// whiteReads reports whether white text contrasts with the colour at
// least as well as near-black text does, by WCAG relative luminance.
func whiteReads(rgb [3]float64) bool {
	lum, dark := luminance(rgb), luminance([3]float64{0x11, 0x18, 0x27}) // #111827
	return (1+0.05)/(lum+0.05) >= (lum+0.05)/(dark+0.05)
}

func luminance(rgb [3]float64) float64 {
	return 0.2126*linear(rgb[0]) + 0.7152*linear(rgb[1]) + 0.0722*linear(rgb[2])
}

// linear turns an sRGB channel (0-255) into linear light.
func linear(c float64) float64 {
	c /= 255
	if c <= 0.04045 {
		return c / 12.92
	}
	return math.Pow((c+0.055)/1.055, 2.4)
}
