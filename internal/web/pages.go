package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

//go:embed templates
var templateFiles embed.FS

// pages holds one parsed template set per page, each with the layout.
type pages struct {
	byName map[string]*template.Template
}

// pageData is what every page template receives.
type pageData struct {
	Title  string
	User   *referralhub.User // the signed-in user, nil for visitors
	Data   any
	Banner string
	// Description is the page's meta description; "" gives the brand's.
	Description string
	Preview     *previewMeta // a referral link's Open Graph and Twitter tags; nil on other pages
	Brand       brandView    // filled by render: the layout's name, logo and colours
	Frame       frameView    // the embedded page's frame; zero on every other page
}

func parsePages(a *assets) (*pages, error) {
	funcs := template.FuncMap{
		"asset":     a.url,
		"date":      formatDate,
		"add":       func(a, b int) int { return a + b },
		"money":     core.FormatMoney,
		"describe":  core.DescribeReward,
		"codeRow":   codeRow,
		"shareIcon": func() template.HTML { return iconShare },
		"fieldOf":   fieldOf,
		"rewardOf":  rewardOf,
	}
	layout, err := template.New("layout").Funcs(funcs).ParseFS(templateFiles, "templates/layout/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, f := range files {
		t, err := template.Must(layout.Clone()).ParseFS(templateFiles, f)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		p.byName[strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")] = t
	}
	return p, nil
}

// formatDate is how pages show a day.
func formatDate(t time.Time) string { return t.UTC().Format("2 Jan 2006") }

// render executes a page into a buffer first, so a template error becomes a
// clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data pageData) {
	s.renderTemplate(w, r, status, name, "page", data)
}

// renderPartial executes one named block of a page, for htmx swaps.
func (s *Server) renderPartial(w http.ResponseWriter, r *http.Request, name, block string, data pageData) {
	s.renderTemplate(w, r, http.StatusOK, name, block, data)
}

func (s *Server) renderTemplate(w http.ResponseWriter, r *http.Request, status int, name, block string, data pageData) {
	t, ok := s.pages.byName[name]
	if !ok {
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		s.log.ErrorContext(r.Context(), "unknown template", "name", name)
		return
	}
	data.Brand = s.brand(r.Context())
	var buf bytes.Buffer
	buf.Grow(32 << 10) // a dashboard is about 12 KiB; avoid regrowing
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		s.log.ErrorContext(r.Context(), "render", "template", name, "err", err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
