package deploy

import (
	"net/netip"
	"os"
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

// TestCaddyfile: the proxy's configuration is mounted, and sends traffic
// to both instances with /readyz as the health check.
func TestCaddyfile(t *testing.T) {
	c := readCompose(t)
	if !strings.Contains(strings.Join(c.Services["proxy"].Volumes, " "), "./Caddyfile:/etc/caddy/Caddyfile") {
		t.Errorf("proxy volumes %v: the Caddyfile is not mounted", c.Services["proxy"].Volumes)
	}
	b, err := os.ReadFile("Caddyfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"reverse_proxy referralhub-1:8080 referralhub-2:8080", "health_uri /readyz"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("Caddyfile lacks %q", want)
		}
	}
}
