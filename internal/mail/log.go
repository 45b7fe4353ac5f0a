package mail

import (
	"context"
	"log/slog"
)

// Log is a Sender that writes messages to a logger instead of delivering
// them, for development without an SMTP server. It logs the text part only:
// links such as password resets are readable there, and HTML is noise.
type Log struct {
	log      *slog.Logger
	from     string
	withText bool
}

// NewLog returns a Sender that writes each message (to, subject, message id
// and the text part) to log at Info level.
func NewLog(log *slog.Logger, from string) *Log {
	return &Log{log: log, from: from, withText: true}
}

// NewHeaderLog is NewLog without the text part, for production without an
// SMTP server: mail bodies hold single-use links (password resets), which
// must not end up in logs that others read.
func NewHeaderLog(log *slog.Logger, from string) *Log {
	return &Log{log: log, from: from}
}

// Send logs m. Like SMTP.Send it rejects an incomplete message, so mistakes
// show up in development too.
func (l *Log) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.validate(); err != nil {
		return err
	}
	attrs := []any{slog.String("from", l.from), slog.String("to", m.To), slog.String("subject", m.Subject),
		slog.String("message_id", m.MessageID)}
	if l.withText {
		attrs = append(attrs, slog.String("text", m.Text))
	}
	l.log.InfoContext(ctx, "mail not sent (log sender)", attrs...)
	return nil
}
