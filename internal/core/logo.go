package core

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"

	"github.com/referralhub/referralhub"
)

// Limits on an uploaded logo.
const (
	MaxLogoBytes = 256 << 10 // 256 KiB
	MaxLogoSide  = 2048      // pixels, for width and height each
)

// logoFormat decodes one accepted image type. Formats are picked by name
// rather than registered with the image package, so nothing else is ever
// accepted.
type logoFormat struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

// logoFormatOf returns the decoder of a sniffed content type, if accepted.
func logoFormatOf(contentType string) (logoFormat, bool) {
	switch contentType {
	case "image/png":
		return logoFormat{png.DecodeConfig, png.Decode}, true
	case "image/jpeg":
		return logoFormat{jpeg.DecodeConfig, jpeg.Decode}, true
	case "image/gif":
		return logoFormat{gif.DecodeConfig, gif.Decode}, true
	}
	return logoFormat{}, false
}

// CheckLogo inspects an uploaded logo and describes it, or says what is
// wrong with it. Only PNG, JPEG and GIF are accepted, known from the bytes
// themselves, never from a file name or a declared type: an SVG or HTML
// file is refused however it is named. The whole image is decoded, so a
// truncated or disguised file is refused too.
func CheckLogo(data []byte) (referralhub.Logo, string) {
	if len(data) == 0 {
		return referralhub.Logo{}, "The logo file is empty."
	}
	if len(data) > MaxLogoBytes {
		return referralhub.Logo{}, fmt.Sprintf("The logo is %s; it may be at most 256 KiB.", kib(len(data)))
	}
	ct := http.DetectContentType(data)
	f, ok := logoFormatOf(ct)
	if !ok {
		return referralhub.Logo{}, "The logo must be a PNG, JPEG or GIF image."
	}
	cfg, err := f.config(bytes.NewReader(data))
	if err != nil {
		return referralhub.Logo{}, "The logo could not be read as an image; it may be damaged."
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxLogoSide || cfg.Height > MaxLogoSide {
		return referralhub.Logo{}, fmt.Sprintf("The logo is %d × %d pixels; it may be at most %d × %d.",
			cfg.Width, cfg.Height, MaxLogoSide, MaxLogoSide)
	}
	if _, err := f.decode(bytes.NewReader(data)); err != nil {
		return referralhub.Logo{}, "The logo could not be read as an image; it may be damaged."
	}
	sum := sha256.Sum256(data)
	return referralhub.Logo{ContentType: ct, Width: cfg.Width, Height: cfg.Height, Hash: hex.EncodeToString(sum[:])}, ""
}

// kib writes a size for people, rounded up: "300 KiB".
func kib(n int) string {
	return fmt.Sprintf("%d KiB", (n+1023)/1024)
}
