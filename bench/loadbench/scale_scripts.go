package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/referralhub/referralhub/internal/storage"
)

// scaleScripts returns the wrk script of each path: the click on random
// codes, the dashboard of o.login, an argon2id signup of a new user each
// time, a purchase event for a random participant through the API, and
// "mix", all four at once for the soak.
func scaleScripts(ctx context.Context, o options, db *storage.DB, inst []instance) (map[string]string, error) {
	codes, err := db.Read().SampleCodes(ctx, o.codes)
	if err != nil {
		return nil, err
	}
	ids, err := db.Read().SampleParticipantIDs(ctx, o.codes)
	if err != nil {
		return nil, err
	}
	if len(codes) == 0 || len(ids) == 0 {
		return nil, fmt.Errorf("no participants in the database: run referralhub demo first")
	}
	o.url = inst[0].url
	cookie, err := login(ctx, o)
	if err != nil {
		return nil, err
	}
	prelude := spreadPrelude(inst) + luaList("codes", codes) + luaList("ids", ids) +
		fmt.Sprintf("local cookie = %q\nlocal apiKey = %q\n", cookie, "Bearer "+o.apiKey) +
		luaRequests
	return map[string]string{
		"click":     prelude + "request = click\n",
		"dashboard": prelude + "request = dashboard\n",
		"signup":    prelude + "request = signup\n",
		"event":     prelude + "request = event\n",
		"mix":       prelude + luaMix,
	}, nil
}

// luaRequests are the wrk request functions of each path. run (when the
// wrk process started), tid (the thread) and n (the thread's counter) make
// new users and events unique.
const luaRequests = `
function click()
  return wrk.format("GET", "/r/" .. codes[math.random(#codes)])
end
function dashboard()
  return wrk.format("GET", "/", {Cookie = cookie})
end
function signup()
  n = n + 1
  local name = "l" .. run .. "_" .. tid .. "_" .. n
  return wrk.format("POST", "/signup", {["Content-Type"] = "application/x-www-form-urlencoded"},
    "email=" .. name .. "%40example.com&username=" .. name .. "&password=load-test-password")
end
function event()
  n = n + 1
  local body = string.format('{"participant":%s,"type":"purchase","amount":1999,"currency":"USD","idempotency_key":"load-%d-%d-%d"}',
    ids[math.random(#ids)], run, tid, n)
  return wrk.format("POST", "/api/v1/events", {Authorization = apiKey, ["Content-Type"] = "application/json"}, body)
end
`

// mixShares describes luaMix.
const mixShares = "85% clicks, 12% dashboards, 2.9% API events, 0.1% signups"

// luaMix picks each request's path at random in the shares of mixShares.
const luaMix = `request = function()
  local r = math.random(1000)
  if r <= 850 then return click() end
  if r <= 970 then return dashboard() end
  if r <= 999 then return event() end
  return signup()
end
`

// spreadPrelude gives wrk thread i the instance i modulo their number, so
// the connections are shared out evenly, and seeds each thread apart.
func spreadPrelude(inst []instance) string {
	var sb strings.Builder
	sb.WriteString("local hosts = {")
	for i, in := range inst {
		if i > 0 {
			sb.WriteByte(',')
		}
		host, port, _ := strings.Cut(in.host, ":")
		fmt.Fprintf(&sb, "{%q,%q}", host, port)
	}
	sb.WriteString("}\nlocal threads = 0\n" +
		"function setup(thread)\n" +
		"  local h = hosts[threads % #hosts + 1]\n" +
		"  thread.addr = wrk.lookup(h[1], h[2])[1]\n" +
		"  thread:set(\"tid\", threads)\n" +
		"  threads = threads + 1\n" +
		"end\n" +
		"function init(args)\n  run = os.time() % 100000000\n  n = 0\n  math.randomseed(os.time() * 100 + tid)\nend\n")
	return sb.String()
}

// luaList is a Lua table named name holding values, quoted.
func luaList[T any](name string, values []T) string {
	var sb strings.Builder
	sb.WriteString("local " + name + " = {")
	for i, v := range values {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "%q", fmt.Sprint(v))
	}
	sb.WriteString("}\n")
	return sb.String()
}
