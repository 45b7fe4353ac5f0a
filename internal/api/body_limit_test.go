package api_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/api"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// rawRequest sends head (the request line and headers, without the blank
// line) over a new connection, then body from its own goroutine, and
// returns every response the server sends before its final one, and that
// final one. Writes that fail once the server has answered are ignored.
func rawRequest(t *testing.T, addr, head string, body func(io.Writer)) (interim []int, final *http.Response, text string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, strings.ReplaceAll(head, "\n", "\r\n")+"\r\n"); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	for {
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatalf("reading the answer: %v (after %v)", err, interim)
		}
		if resp.StatusCode >= 200 {
			b, _ := io.ReadAll(resp.Body)
			return interim, resp, string(b)
		}
		interim = append(interim, resp.StatusCode)
		if resp.StatusCode == http.StatusContinue && body != nil {
			go body(conn)
			body = nil
		}
	}
}

// TestBodyOverTheLimitIsRefusedBeforeItIsRead: a POST announcing more than
// 1 MiB with Expect: 100-continue gets its 413 JSON error at once, with no
// 100 Continue, so the client sends nothing; a chunked body that turns out
// over the limit gets the same 413, read back by the client, not a reset.
func TestBodyOverTheLimitIsRefusedBeforeItIsRead(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		addr := strings.TrimPrefix(e.srv.URL, "http://")
		head := "POST " + api.Prefix + "/events HTTP/1.1\nHost: " + addr + "\nAuthorization: Bearer " + e.write +
			"\nContent-Type: application/json\nExpect: 100-continue\n"

		interim, resp, body := rawRequest(t, addr, head+fmt.Sprintf("Content-Length: %d\n", 2<<20), nil)
		if len(interim) != 0 || resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"code":"payload_too_large"`) {
			t.Fatalf("Content-Length over the limit: interim %v, then %d %s", interim, resp.StatusCode, body)
		}

		chunked := func(w io.Writer) {
			chunk := strings.Repeat("x", 64<<10)
			for range 24 { // 1.5 MiB
				if _, err := fmt.Fprintf(w, "%x\r\n%s\r\n", len(chunk), chunk); err != nil {
					return
				}
			}
			io.WriteString(w, "0\r\n\r\n")
		}
		interim, resp, body = rawRequest(t, addr, head+"Transfer-Encoding: chunked\n", chunked)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"code":"payload_too_large"`) {
			t.Fatalf("chunked over the limit: interim %v, then %d %s", interim, resp.StatusCode, body)
		}
	})
}
