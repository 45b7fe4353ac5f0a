package core

import (
	"net/http"
	"testing"
)

// FuzzLogoFormatOfAgreesWithSniffing: for any bytes, logoFormatOf accepts
// exactly what net/http's DetectContentType names PNG, JPEG or GIF, under
// the same name.
func FuzzLogoFormatOfAgreesWithSniffing(f *testing.F) {
	for _, seed := range []string{"", "\x89PNG\r\n\x1a\n", "\x89PNG\r\n\x1a", "\xff\xd8\xff\xe0", "\xff\xd8", "\xff\xfe\xff",
		"GIF87a;", "GIF89a", "GIF88a", " \x89PNG\r\n\x1a\n", "\xef\xbb\xbfGIF89a", "\xfe\xff\xd8\xff",
		"<!DOCTYPE html><html>", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "RIFF\x00\x00\x00\x00WEBPVP8 ",
		"BM\x00\x00", "\x00\x00\x01\x00", "%PDF-1.7", "plain text"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ct, _, ok := logoFormatOf(data)
		sniffed := http.DetectContentType(data)
		accepted := sniffed == "image/png" || sniffed == "image/jpeg" || sniffed == "image/gif"
		if ok != accepted || ok && ct != sniffed {
			t.Errorf("logoFormatOf(%q) = %q, %v; DetectContentType says %q", data, ct, ok, sniffed)
		}
	})
}
