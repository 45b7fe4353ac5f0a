package reqid

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestHandlerAddsTheRequestID(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(Handler{slog.NewTextHandler(&buf, nil)}).With("component", "core")
	log.InfoContext(With(context.Background(), "abc123"), "signup")
	log.InfoContext(context.Background(), "background")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if !strings.Contains(lines[0], "request_id=abc123") || !strings.Contains(lines[0], "component=core") || strings.Contains(lines[1], "request_id") {
		t.Fatalf("log:\n%s", buf.String())
	}
}

func TestTheIDSurvivesDerivedContextsAndNamesTheHeader(t *testing.T) {
	type other struct{}
	ctx := With(context.WithValue(context.Background(), other{}, "kept"), "abc123")
	derived, cancel := context.WithCancel(ctx)
	if From(derived) != "abc123" || derived.Value(other{}) != "kept" {
		t.Fatalf("From = %q, other = %v", From(derived), derived.Value(other{}))
	}
	if v := HeaderValues(derived); len(v) != 1 || v[0] != "abc123" {
		t.Fatalf("HeaderValues = %q", v)
	}
	cancel()
	if derived.Err() == nil || ctx.Err() != nil {
		t.Fatal("cancelling the derived context must not reach the parent")
	}
	if From(context.Background()) != "" || HeaderValues(context.Background()) != nil {
		t.Fatal("a context without an id has one")
	}
}
