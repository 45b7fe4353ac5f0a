package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestJSONLogDurationsCarryTheirUnit: a duration logged in JSON reads
// "1.5s", not 1500000000 nanoseconds nobody can tell from milliseconds.
func TestJSONLogDurationsCarryTheirUnit(t *testing.T) {
	var out bytes.Buffer
	newLogger("json", &out).Info("took", "elapsed", 1500*time.Millisecond, "count", 3)
	if s := out.String(); !strings.Contains(s, `"elapsed":"1.5s"`) || !strings.Contains(s, `"count":3`) {
		t.Fatalf("log line %s", s)
	}
}

// durationValue is a duration as Go writes it, with its unit.
var durationValue = regexp.MustCompile(`^[0-9.]+(ns|µs|ms|s|m|h)([0-9.]+(ns|µs|ms|s|m))*$`)

// TestServeLogIsCleanThroughShutdown runs the real program with JSON logs
// through requests and a SIGTERM: it logs no error (a shutdown used to log
// "fail abandoned jobs: context canceled"), and each duration with its unit.
func TestServeLogIsCleanThroughShutdown(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, map[string]string{"REFERRALHUB_LOG_FORMAT": "json"})
		var log syncBuffer
		cmd, base := startProgramLog(t, getenv, `"msg":"listening","addr":"([^"]+)"`, &log, "serve")
		code := signupAndGetCode(t, base)
		visitor := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for _, path := range []string{"/r/" + code, "/nothing-here", "/readyz"} {
			resp, err := visitor.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		time.Sleep(1500 * time.Millisecond) // a flush of the clicks and a turn of the worker
		stopProgram(t, cmd)
		durations := 0
		sc := bufio.NewScanner(strings.NewReader(log.String()))
		for sc.Scan() {
			var rec map[string]any
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				t.Errorf("not a JSON log line: %s", sc.Text())
				continue
			}
			if rec["level"] == "ERROR" {
				t.Errorf("an error logged: %s", sc.Text())
			}
			if d, ok := rec["duration"]; ok {
				durations++
				if s, _ := d.(string); !durationValue.MatchString(s) {
					t.Errorf("a duration without its unit: %s", sc.Text())
				}
			}
		}
		if durations == 0 {
			t.Errorf("no request logged with its duration:\n%s", log.String())
		}
	})
}
