package deploy

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// dockerfile is the repository's Dockerfile with continuation lines joined.
func dockerfile(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.ReplaceAll(string(b), "\\\n", " "), "\n")
}

// instruction is the one line that starts with prefix (and contains has).
func instruction(t *testing.T, lines []string, prefix, has string) string {
	t.Helper()
	var found []string
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) && strings.Contains(l, has) {
			found = append(found, l)
		}
	}
	if len(found) != 1 {
		t.Fatalf("Dockerfile: %d lines starting %q with %q, want one: %q", len(found), prefix, has, found)
	}
	return found[0]
}

// words splits a shell command line into words, honouring quotes (which
// is all the Dockerfile's build line needs).
func words(s string) []string {
	var out []string
	var cur strings.Builder
	in, quote := false, rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				out = append(out, cur.String())
				cur.Reset()
			}
			in = false
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

// TestDockerfileImage: the final stage is distroless as nonroot, with the
// SQLite database on the /data volume and the port exposed.
func TestDockerfileImage(t *testing.T) {
	lines := dockerfile(t)
	instruction(t, lines, "FROM ", "gcr.io/distroless/static")
	if got := instruction(t, lines, "USER ", ""); got != "USER 65532:65532" {
		t.Errorf("%q, want the nonroot user", got)
	}
	env := instruction(t, lines, "ENV ", "")
	for _, want := range []string{"REFERRALHUB_ADDR=0.0.0.0:8080", "REFERRALHUB_DATABASE_URL=sqlite:/data/referralhub.db"} {
		if !strings.Contains(env, want) {
			t.Errorf("ENV lacks %s", want)
		}
	}
	instruction(t, lines, "EXPOSE ", "8080")
	instruction(t, lines, "VOLUME ", "/data")
	if strings.Contains(strings.Join(lines, "\n"), "\nHEALTHCHECK") {
		t.Error("a HEALTHCHECK cannot run in distroless: it has no shell")
	}
}

// envStaticBuild, set to 1, runs TestDockerfileBuildIsStatic; "bash .ci/run
// static-build" sets it.
const envStaticBuild = "REFERRALHUB_TEST_STATIC_BUILD"

// TestDockerfileBuildIsStatic runs the Dockerfile's own go build line,
// with its environment, its flags and its package, into a temporary
// directory, and checks that the binary is static and reports the version
// passed through -ldflags. Its flags share no build cache with go test's,
// so it compiles everything again (several minutes on a cold cache, the
// SQLite driver above all): it runs only when REFERRALHUB_TEST_STATIC_BUILD=1,
// never with -short.
func TestDockerfileBuildIsStatic(t *testing.T) {
	if testing.Short() || os.Getenv(envStaticBuild) != "1" {
		t.Skip("a cold static build: run it with " + envStaticBuild + "=1, or bash .ci/run static-build")
	}
	run := instruction(t, dockerfile(t), "RUN ", "go build")
	args := words(strings.TrimPrefix(run, "RUN "))
	env := []string{}
	for len(args) > 0 && strings.Contains(args[0], "=") {
		env, args = append(env, args[0]), args[1:]
	}
	if !strings.Contains(strings.Join(env, " "), "CGO_ENABLED=0") || len(args) < 2 || args[0] != "go" || args[1] != "build" {
		t.Fatalf("build line %q: want CGO_ENABLED=0 go build ...", run)
	}
	if args[len(args)-1] != "./cmd/referralhub" || !strings.Contains(run, "-trimpath") {
		t.Fatalf("build line %q: want -trimpath and ./cmd/referralhub", run)
	}
	bin := filepath.Join(t.TempDir(), "referralhub")
	for i := range args {
		args[i] = strings.ReplaceAll(args[i], "${VERSION}", "v9.8.7-test")
		if i > 0 && args[i-1] == "-o" {
			args[i] = bin
		}
	}
	cmd := exec.Command("go", args[1:]...) // go test puts its own go first on PATH
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
	}
	checkStatic(t, bin)
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "referralhub v9.8.7-test" {
		t.Fatalf("version: %q (%v)", out, err)
	}
}

// checkStatic fails unless bin is an ELF file with no interpreter and no
// dynamic section: it runs on an image with no libc.
func checkStatic(t *testing.T, bin string) {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the binary has a %v program header: it is not static", p.Type)
		}
	}
	if f.Section(".dynamic") != nil || f.Section(".interp") != nil {
		t.Error("the binary has a dynamic section: it is not static")
	}
}
