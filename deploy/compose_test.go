package deploy

import (
	"net/netip"
	"os"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// service is what the tests read of a Compose service.
type service struct {
	Image       string            `yaml:"image"`
	User        string            `yaml:"user"`
	ReadOnly    bool              `yaml:"read_only"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	DependsOn   yaml.Node         `yaml:"depends_on"`
	Volumes     []string          `yaml:"volumes"`
	Networks    yaml.Node         `yaml:"networks"`
}

type compose struct {
	Services map[string]service `yaml:"services"`
	Networks map[string]struct {
		IPAM struct {
			Config []struct {
				Subnet string `yaml:"subnet"`
			} `yaml:"config"`
		} `yaml:"ipam"`
	} `yaml:"networks"`
}

func readCompose(t *testing.T) compose {
	t.Helper()
	b, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return c
}

// TestComposeServices: PostgreSQL, Redis, the proxy, the one-shot migrate
// and two instances; every ReferralHub service runs read-only as a user
// other than root, in production, on PostgreSQL and Redis.
func TestComposeServices(t *testing.T) {
	c := readCompose(t)
	for _, name := range []string{"postgres", "redis", "proxy", "migrate", "referralhub-1", "referralhub-2"} {
		if _, ok := c.Services[name]; !ok {
			t.Errorf("no %s service", name)
		}
	}
	var serving []string
	for name, s := range c.Services {
		if !strings.HasPrefix(s.Image, "referralhub") {
			continue
		}
		if !s.ReadOnly {
			t.Errorf("%s: not read_only", name)
		}
		if uid, _, _ := strings.Cut(s.User, ":"); uid == "" || uid == "0" || uid == "root" {
			t.Errorf("%s: user %q, want a non-root user", name, s.User)
		}
		env := s.Environment
		if env["REFERRALHUB_ENV"] != "production" || !strings.HasPrefix(env["REFERRALHUB_DATABASE_URL"], "postgres://") ||
			!strings.HasPrefix(env["REFERRALHUB_REDIS_URL"], "redis://") {
			t.Errorf("%s: environment %v", name, env)
		}
		if len(s.Command) == 1 && s.Command[0] == "serve" {
			serving = append(serving, name)
		}
	}
	if len(serving) != 2 {
		t.Errorf("serving instances %v, want two", serving)
	}
	if got := c.Services["migrate"].Command; len(got) != 1 || got[0] != "migrate" {
		t.Errorf("migrate command %v", got)
	}
}

// TestComposeInstancesWaitForMigrate: each instance starts only after the
// migrate service has completed.
func TestComposeInstancesWaitForMigrate(t *testing.T) {
	c := readCompose(t)
	for _, name := range []string{"referralhub-1", "referralhub-2"} {
		var deps map[string]struct {
			Condition string `yaml:"condition"`
		}
		s := c.Services[name]
		if err := s.DependsOn.Decode(&deps); err != nil {
			t.Fatalf("%s depends_on: %v", name, err)
		}
		if deps["migrate"].Condition != "service_completed_successfully" {
			t.Errorf("%s: depends_on %v, want migrate to complete first", name, deps)
		}
	}
}

// TestComposeTrustsOnlyTheProxyNetwork: REFERRALHUB_TRUSTED_PROXIES is the
// proxy's own fixed address, in the subnet of the network it shares with
// the instances, and the databases are not on that network.
func TestComposeTrustsOnlyTheProxyNetwork(t *testing.T) {
	c := readCompose(t)
	var proxyNets map[string]struct {
		IPv4 string `yaml:"ipv4_address"`
	}
	proxy := c.Services["proxy"]
	if err := proxy.Networks.Decode(&proxyNets); err != nil || len(proxyNets) != 1 {
		t.Fatalf("proxy networks: %v (%v)", proxyNets, err)
	}
	for net, at := range proxyNets {
		cfg := c.Networks[net].IPAM.Config
		if len(cfg) != 1 {
			t.Fatalf("network %s: ipam %v", net, cfg)
		}
		subnet := netip.MustParsePrefix(cfg[0].Subnet)
		if !subnet.Contains(netip.MustParseAddr(at.IPv4)) {
			t.Errorf("proxy address %s is not in %s", at.IPv4, subnet)
		}
		for _, name := range []string{"referralhub-1", "referralhub-2"} {
			if got, want := c.Services[name].Environment["REFERRALHUB_TRUSTED_PROXIES"], at.IPv4+"/32"; got != want {
				t.Errorf("%s: REFERRALHUB_TRUSTED_PROXIES %q, want %s", name, got, want)
			}
		}
		for _, name := range []string{"postgres", "redis"} {
			var nets []string
			db := c.Services[name]
			if err := db.Networks.Decode(&nets); err != nil || strings.Contains(strings.Join(nets, ","), net) {
				t.Errorf("%s: networks %v (%v), want it off %s", name, nets, err, net)
			}
		}
	}
}

// TestCaddyfile: the proxy's configuration is mounted; it sends referral
// links (/r/*) to both instances checked with /readyz?scope=clicks, which
// holds while the database is down, and everything else to both checked
// with /readyz; with no instance left it answers 503 with Retry-After.
func TestCaddyfile(t *testing.T) {
	c := readCompose(t)
	if !strings.Contains(strings.Join(c.Services["proxy"].Volumes, " "), "./Caddyfile:/etc/caddy/Caddyfile") {
		t.Errorf("proxy volumes %v: the Caddyfile is not mounted", c.Services["proxy"].Volumes)
	}
	b, err := os.ReadFile("Caddyfile")
	if err != nil {
		t.Fatal(err)
	}
	routes := caddyRoutes(t, string(b))
	for matcher, check := range map[string]string{"/r/*": "/readyz?scope=clicks", "": "/readyz"} {
		r, ok := routes[matcher]
		if !ok {
			t.Errorf("no handle %q block in the Caddyfile (routes %v)", matcher, routes)
			continue
		}
		if !strings.Contains(r, "reverse_proxy referralhub-1:8080 referralhub-2:8080") || !strings.Contains(r, "health_uri "+check+"\n") {
			t.Errorf("handle %q: want both instances with health_uri %s:\n%s", matcher, check, r)
		}
	}
	if !regexp.MustCompile(`(?s)handle_errors[^{]*\b503\b[^{]*\{[^}]*header Retry-After \d+[^}]*respond "[^"]+" 503`).Match(b) {
		t.Error("the Caddyfile does not answer 503 with Retry-After when no instance is left")
	}
}

// caddyRoutes returns the body of each top-level handle block in the
// site block, by its matcher ("" for the catch-all).
func caddyRoutes(t *testing.T, caddyfile string) map[string]string {
	t.Helper()
	routes := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\thandle ?([^{\s]*) \{\n((?:\t\t.*\n|\n)*)\t\}`).FindAllStringSubmatch(caddyfile, -1) {
		routes[m[1]] = m[2]
	}
	return routes
}

// TestComposeInstancesKeepTheirClickSpool: each serving instance writes
// its click spool to a volume of its own at /data (REFERRALHUB_DATA_DIR in
// the image), which outlives the read-only container.
func TestComposeInstancesKeepTheirClickSpool(t *testing.T) {
	c := readCompose(t)
	seen := map[string]string{}
	for _, name := range []string{"referralhub-1", "referralhub-2"} {
		var volume string
		for _, v := range c.Services[name].Volumes {
			if src, dst, _ := strings.Cut(v, ":"); dst == "/data" || strings.HasPrefix(dst, "/data:") {
				volume = src
			}
		}
		if volume == "" || strings.HasPrefix(volume, "/") || strings.HasPrefix(volume, ".") {
			t.Errorf("%s: volumes %v, want a named volume at /data", name, c.Services[name].Volumes)
			continue
		}
		if other, dup := seen[volume]; dup {
			t.Errorf("%s and %s share the volume %s", name, other, volume)
		}
		seen[volume] = name
	}
}
