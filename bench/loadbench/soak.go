package main

import (
	"context"
	"fmt"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
)

// benchSoak runs a mix of clicks, dashboards, events and signups against
// the instances for o.duration, reporting every o.every how much memory
// each instance holds, so a leak shows as a rising column.
func benchSoak(ctx context.Context, o options) error {
	inst, err := parseInstances(o)
	if err != nil {
		return err
	}
	db, err := storage.Open(ctx, o.databaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	scripts, err := scaleScripts(ctx, o, db, inst)
	if err != nil {
		return err
	}
	script := scripts["mix"]
	sizeBefore, err := db.Read().DatabaseSize(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("soak: %d instances, %d connections, %s; the mix is %s\n", len(inst), o.conns, o.duration, mixShares)
	fmt.Println("| minute | RSS per instance (MiB) |\n|---|---|")
	began := time.Now()
	report := func() {
		fmt.Printf("| %.1f | %s |\n", time.Since(began).Minutes(), currentRSS(inst))
	}
	report()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(o.every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				report()
			}
		}
	}()
	res, err := runWrk(ctx, o, "soak mix", inst[0].url, script, o.conns)
	close(stop)
	<-done
	if err != nil {
		return err
	}
	report()
	sizeAfter, err := db.Read().DatabaseSize(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("%s\n%s\ndatabase growth: %s\n", tableHead, res.row(), mib(sizeAfter-sizeBefore))
	return nil
}

// currentRSS is each instance's resident memory now, in MiB.
func currentRSS(inst []instance) string {
	s := ""
	for i, in := range inst {
		if i > 0 {
			s += "; "
		}
		s += kibToMiB(rssKiB(in.pid))
	}
	return s
}
