package core

import (
	"bufio"
	_ "embed" // the disposable-domain list
	"slices"
	"strings"
)

//go:embed data/disposable_domains.txt
var disposableList string

// IdentityEmail is the form of an address that self-referral checks
// compare: lower-cased, without a "+tag", without dots in a Gmail local
// part, and with known alias domains folded (googlemail.com is gmail.com).
// "" when email has no "@".
func IdentityEmail(email string) string {
	email = strings.ToLower(strings.TrimSpace(email))
	at := strings.LastIndexByte(email, '@')
	if at <= 0 || at == len(email)-1 {
		return ""
	}
	local, domain := email[:at], email[at+1:]
	if alias, ok := domainAliases(domain); ok {
		domain = alias
	}
	if plus := strings.IndexByte(local, '+'); plus >= 0 {
		local = local[:plus]
	}
	if domain == "gmail.com" {
		local = strings.ReplaceAll(local, ".", "")
	}
	// Removing a tag or dots can bare a space (". a@gmail.com"): trim
	// again, so that the result normalises to itself.
	local = strings.TrimSpace(local)
	if local == "" {
		return "" // "+tag@x" or "..@gmail.com": no mailbox left to compare
	}
	return local + "@" + domain
}

// domainAliases maps a domain to the one it is an alias of: the same
// mailbox under two names. (Hotmail and Outlook, or Yahoo and Ymail, are
// different mailboxes with the same provider, so they are not folded.)
func domainAliases(domain string) (string, bool) {
	switch domain {
	case "googlemail.com":
		return "gmail.com", true
	case "me.com", "mac.com":
		return "icloud.com", true
	case "pm.me", "protonmail.com", "protonmail.ch":
		return "proton.me", true
	}
	return "", false
}

// Disposable knows the domains of throwaway mailboxes: the embedded list
// plus any the operator adds.
type Disposable struct {
	domains []string // sorted
}

// NewDisposable parses the embedded list and adds extra domains.
func NewDisposable(extra []string) *Disposable {
	d := &Disposable{}
	sc := bufio.NewScanner(strings.NewReader(disposableList))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && line[0] != '#' {
			d.domains = append(d.domains, line)
		}
	}
	for _, e := range extra {
		d.domains = append(d.domains, strings.ToLower(strings.TrimSpace(e)))
	}
	slices.Sort(d.domains)
	d.domains = slices.Compact(d.domains)
	return d
}

// Is reports whether email's domain, or a parent domain of it, is
// disposable.
func (d *Disposable) Is(email string) bool {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return false
	}
	domain := strings.ToLower(email[at+1:])
	for domain != "" {
		if _, found := slices.BinarySearch(d.domains, domain); found {
			return true
		}
		dot := strings.IndexByte(domain, '.')
		if dot < 0 {
			return false
		}
		domain = domain[dot+1:]
	}
	return false
}
