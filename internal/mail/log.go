package mail

import (
	"context"
	"log/slog"
)

// Log is a Sender that writes messages to a logger instead of delivering
// them, for development without an SMTP server. It logs the text part only:
// links such as password resets are readable there, and HTML is noise.
type Log struct {
	log  *slog.Logger
	from string
}

// NewLog returns a Sender that writes each message (to, subject, message id
// and the text part) to log at Info level.
func NewLog(log *slog.Logger, from string) *Log {
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
	l.log.InfoContext(ctx, "mail not sent (log sender)", slog.String("from", l.from), slog.String("to", m.To),
		slog.String("subject", m.Subject), slog.String("message_id", m.MessageID), slog.String("text", m.Text))
	return nil
}
