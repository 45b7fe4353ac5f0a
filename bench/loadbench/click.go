package main

import (
	"context"
	"fmt"
	"strings"
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
	hub, err := runWrk(ctx, o, "ReferralHub GET /r/{code}", o.url, script, o.conns)
	if err != nil {
		return err
	}
	bare, err := runWrk(ctx, o, "bare 302 from a map", o.bareURL, script, o.conns)
	if err != nil {
		return err
	}
	fmt.Printf("%d connections, %s each, %d distinct codes\n%s\n%s\n%s\n", o.conns, o.duration, len(codes), tableHead, hub.row(), bare.row())
	fmt.Printf("ratio: ReferralHub serves %.0f%% of the bare handler's requests/s\n", 100*hub.rps/bare.rps)
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

// clickScript is a wrk script that requests /r/{code} for random codes.
func clickScript(codes []string) string {
	var sb strings.Builder
	sb.WriteString("local codes = {")
	for i, c := range codes {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "%q", c)
	}
	sb.WriteString("}\nmath.randomseed(os.time())\nrequest = function()\n" +
		"  return wrk.format(\"GET\", \"/r/\" .. codes[math.random(#codes)])\nend\n")
	return sb.String()
}
