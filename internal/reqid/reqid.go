// Package reqid carries a request's id in its context and adds it to every
// log record written with that context, in whichever package logs it.
package reqid

import (
	"context"
	"log/slog"
)

type key struct{}

// idContext is a context carrying a request id. It is its own value, so
// carrying the id costs one allocation (context.WithValue costs two) and
// reading it none; id is an array so HeaderValues can share it.
type idContext struct {
	context.Context
	id [1]string
}

// Value returns the idContext itself for key{}, and the parent's values.
func (c *idContext) Value(k any) any {
	if _, ok := k.(key); ok {
		return c
	}
	return c.Context.Value(k)
}

// With returns ctx carrying id.
func With(ctx context.Context, id string) context.Context {
	return &idContext{Context: ctx, id: [1]string{id}}
}

// From returns the id ctx carries, or "".
func From(ctx context.Context) string {
	if c, ok := ctx.Value(key{}).(*idContext); ok {
		return c.id[0]
	}
	return ""
}

// HeaderValues returns the id ctx carries as a header's values (nil when
// it carries none), without allocating: the slice shares the context's
// memory, so it must not be changed in place (Header.Set replaces it).
func HeaderValues(ctx context.Context) []string {
	if c, ok := ctx.Value(key{}).(*idContext); ok {
		return c.id[:]
	}
	return nil
}

// Handler wraps a slog.Handler, adding request_id to each record whose
// context carries one.
type Handler struct{ slog.Handler }

// Handle implements slog.Handler.
func (h Handler) Handle(ctx context.Context, r slog.Record) error {
	if id := From(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (h Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return Handler{h.Handler.WithAttrs(attrs)}
}

// WithGroup implements slog.Handler.
func (h Handler) WithGroup(name string) slog.Handler { return Handler{h.Handler.WithGroup(name)} }
