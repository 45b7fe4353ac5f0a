package mailtest

import (
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
)

// Received is one delivered message, parsed. To and From are bare
// addresses ("bob@example.com"), Subject and Headers are decoded from RFC
// 2047 words, MessageID is the header as sent (with angle brackets), and
// Text and HTML are the decoded parts with "\n" line endings.
type Received struct {
	To, From, Subject, MessageID, Text, HTML string
	// Headers holds the first value of every top-level header, keyed by
	// canonical name ("List-Unsubscribe", "Message-Id").
	Headers map[string]string
	// Raw is the message as it went over the wire, for debugging.
	Raw string
	// Err is set when the message could not be parsed.
	Err error
}

// parse turns raw DATA into a Received; problems are kept in Err so one bad
// message does not hide the others.
func parse(raw string) Received {
	r := Received{Raw: raw, Headers: map[string]string{}}
	msg, err := netmail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		r.Err = err
		return r
	}
	var dec mime.WordDecoder
	for name, values := range msg.Header {
		r.Headers[name] = decodeHeader(&dec, values[0])
	}
	r.To = address(r.Headers["To"])
	r.From = address(r.Headers["From"])
	r.Subject = r.Headers["Subject"]
	r.MessageID = r.Headers["Message-Id"]
	r.Err = r.walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	return r
}

// decodeHeader decodes RFC 2047 encoded words, keeping v when it is not
// valid.
func decodeHeader(dec *mime.WordDecoder, v string) string {
	if d, err := dec.DecodeHeader(v); err == nil {
		return d
	}
	return v
}

// address returns the bare address of a one-address header, or the header
// itself when it does not parse.
func address(header string) string {
	if a, err := netmail.ParseAddress(header); err == nil {
		return a.Address
	}
	return header
}

// walk fills Text and HTML from a body, descending into multipart parts.
func (r *Received) walk(contentType, encoding string, body io.Reader) error {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mediaType = "text/plain" // RFC 2045's default
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		return r.walkMultipart(multipart.NewReader(body, params["boundary"]))
	}
	content, err := io.ReadAll(decode(encoding, body))
	if err != nil {
		return err
	}
	text := strings.ReplaceAll(string(content), "\r\n", "\n")
	switch {
	case mediaType == "text/plain" && r.Text == "":
		r.Text = text
	case mediaType == "text/html" && r.HTML == "":
		r.HTML = text
	}
	return nil
}

// walkMultipart walks each part of a multipart body.
func (r *Received) walkMultipart(mr *multipart.Reader) error {
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := r.walk(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part); err != nil {
			return err
		}
	}
}

// decode undoes a Content-Transfer-Encoding.
func decode(encoding string, body io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		return quotedprintable.NewReader(body)
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, body) // skips line breaks itself
	}
	return body
}
