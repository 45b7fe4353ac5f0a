package main

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// benchClick clicks random known codes on ReferralHub and on the bare
// handler in turn, and prints both with their ratio.
func benchClick(ctx context.Context, o options) error {
	codes, err := loadCodes(ctx, o.databaseURL, o.codes)
	if err != nil {
		return err
	}
	if len(codes) == 0 {
		return fmt.Errorf("no codes in the database: run referralhub demo first")
	}
	script := clickScript(codes)
	if err := warmUp(ctx, o, script, o.url, o.bareURL); err != nil {
		return err
	}
	var hubs, bares []result
	fmt.Printf("%d connections, %d rounds of %s each, %d distinct codes\n%s\n", o.conns, o.rounds, o.duration, len(codes), tableHead)
	for range o.rounds { // in turn, so both see the same machine
		hub, err := measured(o.pid, func() (result, error) {
			return runWrk(ctx, o, "ReferralHub GET /r/{code}", o.url, script, o.conns)
		})
		if err != nil {
			return err
		}
		bare, err := measured(o.barePid, func() (result, error) {
			return runWrk(ctx, o, "bare 302 from a map", o.bareURL, script, o.conns)
		})
		if err != nil {
			return err
		}
		hubs, bares = append(hubs, hub), append(bares, bare)
		fmt.Printf("%s\n%s\n", hub.row(), bare.row())
	}
	hub, bare := median(hubs), median(bares)
	fmt.Printf("median of %d rounds\n%s\n%s\n%s\n", o.rounds, tableHead, hub.row(), bare.row())
	fmt.Printf("ratio: ReferralHub serves %.0f%% of the bare handler's requests/s; p99 %.1fx the bare handler's\n",
		100*hub.rps/bare.rps, float64(hub.p99)/float64(bare.p99))
	if hub.cpuPerReq > 0 && bare.cpuPerReq > 0 {
		fmt.Printf("CPU per request: ReferralHub %v, bare handler %v (%.2fx)\n", hub.cpuPerReq, bare.cpuPerReq,
			float64(hub.cpuPerReq)/float64(bare.cpuPerReq))
	}
	if o.rate == 0 {
		return nil
	}
	path := "/r/" + codes[0]
	fixedHub, err := runHey(ctx, o, "ReferralHub GET /r/{code}", o.url+path, o.conns, o.rate)
	if err != nil {
		return err
	}
	fixedBare, err := runHey(ctx, o, "bare 302 from a map", o.bareURL+path, o.conns, o.rate)
	if err != nil {
		return err
	}
	fmt.Printf("fixed rate, %d connections\n%s\n%s\n%s\n", o.conns, tableHead, fixedHub.row(), fixedBare.row())
	return nil
}

// median returns the median of each figure over rs, under rs[0]'s name.
func median(rs []result) result {
	pick := func(f func(result) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	return result{
		name:      rs[0].name,
		rps:       pick(func(r result) float64 { return r.rps }),
		p50:       time.Duration(pick(func(r result) float64 { return float64(r.p50) })),
		p99:       time.Duration(pick(func(r result) float64 { return float64(r.p99) })),
		requests:  int(pick(func(r result) float64 { return float64(r.requests) })),
		cpuPerReq: time.Duration(pick(func(r result) float64 { return float64(r.cpuPerReq) })),
	}
}

// clickScript is a wrk script that requests /r/{code} for random codes.
func clickScript(codes []string) string {
	return luaList("codes", codes) + "math.randomseed(os.time())\nrequest = function()\n" +
		"  return wrk.format(\"GET\", \"/r/\" .. codes[math.random(#codes)])\nend\n"
}
