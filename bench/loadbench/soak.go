package main

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// benchSoak runs a mix of clicks, dashboards, events and signups against
// the instances for o.duration, reporting every o.every how much memory
// each instance holds, so a leak shows as a rising column.
func benchSoak(ctx context.Context, o options) error {
	inst, db, scripts, err := prepareLoad(ctx, o)
	if err != nil {
		return err
	}
	defer db.Close()
	script := scripts["mix"]
	sizeBefore, err := db.Read().DatabaseSize(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("soak: %d instances, %d connections, %s; the mix is %s\n", len(inst), o.conns, o.duration, mixShares)
	fmt.Println("| minute | RSS per instance (MiB) |\n|---|---|")
	sampler := startSampling(inst, o.every, func(since time.Duration, kib []int64) {
		mibs := make([]string, len(kib))
		for i, k := range kib {
			mibs[i] = kibToMiB(k)
		}
		fmt.Printf("| %.1f | %s |\n", since.Minutes(), strings.Join(mibs, "; "))
	})
	res, err := runWrk(ctx, o, "soak mix", inst[0].url, script, o.conns)
	sampler.stop()
	if err != nil {
		return err
	}
	sizeAfter, err := db.Read().DatabaseSize(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("%s\n%s\ndatabase growth: %s\n", tableHead, res.row(), mib(sizeAfter-sizeBefore))
	return nil
}
