package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// benchPage logs in once and loads o.path (the dashboard, "/", unless
// told otherwise) with that session.
func benchPage(ctx context.Context, o options) error {
	cookie, err := login(ctx, o)
	if err != nil {
		return err
	}
	script := fmt.Sprintf("wrk.headers[\"Cookie\"] = %q\n", cookie)
	target, name := o.url+o.path, "ReferralHub GET "+o.path
	if o.path == "/" {
		name += " (dashboard)"
	}
	if err := warmUp(ctx, o, script, target); err != nil {
		return err
	}
	res, err := runWrk(ctx, o, name, target, script, o.conns)
	if err != nil {
		return err
	}
	fmt.Printf("%d connections, %s, as %s\n%s\n%s\n", o.conns, o.duration, o.login, tableHead, res.row())
	if o.rate == 0 {
		return nil
	}
	fixed, err := runHey(ctx, o, name, target, o.conns, o.rate, "Cookie: "+cookie)
	if err != nil {
		return err
	}
	fmt.Printf("fixed rate\n%s\n%s\n", tableHead, fixed.row())
	return nil
}

// login posts the login form and returns the session cookie header value.
func login(ctx context.Context, o options) (string, error) {
	form := url.Values{"login": {o.login}, "password": {o.password}}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(o.url+"/login", form)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "rh_session" {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", fmt.Errorf("login as %s failed: %s", o.login, resp.Status)
}
