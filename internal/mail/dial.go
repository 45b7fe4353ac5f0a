package mail

import (
	"context"
	"crypto/tls"
	"net"
	"sync"
)

// connTracker dials the SMTP server and remembers the raw connection, so
// that it can be closed when the caller's context ends: go-mail only honours
// the context while dialling, and leaves the connection open when EHLO,
// STARTTLS or AUTH fail.
type connTracker struct {
	implicitTLS bool
	tlsConfig   *tls.Config

	mu     sync.Mutex
	conns  []net.Conn
	closed bool
}

// newConnTracker returns a tracker for one delivery to server.
func newConnTracker(server serverConfig, tlsConfig *tls.Config) *connTracker {
	return &connTracker{implicitTLS: server.implicitTLS, tlsConfig: tlsConfig}
}

// dial is a go-mail DialContextFunc. For smtps it completes the TLS handshake
// and returns the *tls.Conn, which go-mail recognises as encrypted.
func (t *connTracker) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if !t.track(conn) {
		if err := context.Cause(ctx); err != nil {
			return nil, err
		}
		return nil, net.ErrClosed
	}
	if !t.implicitTLS {
		return conn, nil
	}
	tlsConn := tls.Client(conn, t.tlsConfig)
	if err := tlsConn.HandshakeContext(ctx); err != nil {
		_ = conn.Close()
		return nil, err
	}
	return tlsConn, nil
}

// track records conn, or closes it and reports false when closeAll already
// ran.
func (t *connTracker) track(conn net.Conn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		_ = conn.Close()
		return false
	}
	t.conns = append(t.conns, conn)
	return true
}

// closeAll closes every connection dialled so far and any dialled later.
// Closing a connection go-mail already closed is harmless.
func (t *connTracker) closeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	for _, c := range t.conns {
		_ = c.Close()
	}
	t.conns = nil
}
