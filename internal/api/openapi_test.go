package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/api"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/ratelimit"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// The OpenAPI document is held to the code three ways: its paths and
// methods are the routes the API registers (TestOpenAPIRoutesMatch), its
// examples fit its schemas (TestOpenAPIExamplesValidate), and what the
// live API answers, on both engines, is a status the document lists with
// a body its schema accepts (TestOpenAPILiveResponses). Besides, it must
// be well-formed OpenAPI 3.1 (TestOpenAPIDocumentShape) and served as
// kept (TestOpenAPIServed). The schemas are
// checked strictly: an object schema of the document that lists its
// properties gets no others, so a field the API adds or drops fails.

const (
	// openAPIFile is the document as kept in the repository, and docURL
	// the name its schemas are compiled under.
	openAPIFile = "openapi.json"
	docURL      = "https://referralhub.example/api/v1/openapi.json"
	// validClickID has the shape of a click id but is nobody's click.
	validClickID = "06h33c6cg0jmqfdvyq647zq6s8"
)

// httpMethods returns the operation keys of an OpenAPI path item.
func httpMethods() []string {
	return []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}
}

// spec is the OpenAPI document, parsed, and its schemas compiled as
// written (loose) and with object schemas closed (strict).
type spec struct {
	raw           []byte
	doc           map[string]any
	loose, strict *jsonschema.Compiler
	compiled      map[string]*jsonschema.Schema // by "loose " or "strict " and a JSON pointer
}

// operation is one method of one path of the document.
type operation struct {
	method string // upper case
	path   string // the path template: /participants/{id}
	ptr    string // its JSON pointer
	op     map[string]any
}

// loadSpec reads and parses the document.
func loadSpec(t testing.TB) *spec {
	t.Helper()
	raw, err := os.ReadFile(openAPIFile)
	if err != nil {
		t.Fatal(err)
	}
	parse := func() map[string]any {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s is not JSON: %v", openAPIFile, err)
		}
		doc, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s is not a JSON object", openAPIFile)
		}
		return doc
	}
	s := &spec{raw: raw, doc: parse(), compiled: map[string]*jsonschema.Schema{}}
	strictDoc := parse()
	closeObjects(strictDoc)
	s.loose, s.strict = newCompiler(t, s.doc), newCompiler(t, strictDoc)
	return s
}

// newCompiler compiles schemas of doc, with formats asserted.
func newCompiler(t testing.TB, doc map[string]any) *jsonschema.Compiler {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(docURL, doc); err != nil {
		t.Fatal(err)
	}
	return c
}

// closeObjects sets additionalProperties false on every object schema in
// v that lists its properties and says nothing of others: the strict
// reading of the document, which the live API must meet exactly. A
// schema that allows more says so with additionalProperties.
func closeObjects(v any) {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["properties"].(map[string]any); ok && v["type"] == "object" {
			if _, set := v["additionalProperties"]; !set {
				v["additionalProperties"] = false
			}
		}
		for _, child := range v {
			closeObjects(child)
		}
	case []any:
		for _, child := range v {
			closeObjects(child)
		}
	}
}

// pointer joins JSON pointer tokens, escaped.
func pointer(tokens ...string) string {
	var b strings.Builder
	for _, tok := range tokens {
		b.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(tok))
	}
	return b.String()
}

// at returns the value at a JSON pointer of the document.
func (s *spec) at(ptr string) (any, bool) {
	var v any = s.doc
	if ptr == "" {
		return v, true
	}
	for _, tok := range strings.Split(ptr, "/")[1:] {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch node := v.(type) {
		case map[string]any:
			next, ok := node[tok]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(node) {
				return nil, false
			}
			v = node[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// object returns the object at ptr, following a $ref to another place of
// the document, with the pointer it was found at.
func (s *spec) object(t testing.TB, ptr string) (string, map[string]any) {
	t.Helper()
	for range 10 {
		v, ok := s.at(ptr)
		obj, isObj := v.(map[string]any)
		if !ok || !isObj {
			t.Fatalf("the document has no object at %s", ptr)
		}
		ref, isRef := obj["$ref"].(string)
		if !isRef {
			return ptr, obj
		}
		target, local := strings.CutPrefix(ref, "#")
		if !local {
			t.Fatalf("%s refers outside the document: %s", ptr, ref)
		}
		ptr = target
	}
	t.Fatalf("$ref loop at %s", ptr)
	return "", nil
}

// schema compiles the schema at a JSON pointer of the document.
func (s *spec) schema(t testing.TB, ptr string, strict bool) *jsonschema.Schema {
	t.Helper()
	c, key := s.loose, "loose "+ptr
	if strict {
		c, key = s.strict, "strict "+ptr
	}
	if sch, ok := s.compiled[key]; ok {
		return sch
	}
	sch, err := c.Compile(docURL + "#" + ptr)
	if err != nil {
		t.Fatalf("compile the schema at %s: %v", ptr, err)
	}
	s.compiled[key] = sch
	return sch
}

// validate checks v against the schema at ptr, as written and strictly.
func (s *spec) validate(t testing.TB, ptr string, v any) error {
	t.Helper()
	if err := s.schema(t, ptr, false).Validate(v); err != nil {
		return err
	}
	return s.schema(t, ptr, true).Validate(v)
}

// operations lists the document's operations, by path and method.
func (s *spec) operations(t testing.TB) []operation {
	t.Helper()
	paths, ok := s.doc["paths"].(map[string]any)
	if !ok {
		t.Fatal("the document has no paths")
	}
	var out []operation
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		item, ok := paths[path].(map[string]any)
		if !ok {
			t.Fatalf("path %s is not an object", path)
		}
		for _, m := range httpMethods() {
			if op, ok := item[m].(map[string]any); ok {
				out = append(out, operation{method: strings.ToUpper(m), path: path, ptr: pointer("paths", path, m), op: op})
			}
		}
	}
	return out
}

// methodsOf lists the methods the document gives path, sorted.
func (s *spec) methodsOf(t testing.TB, path string) []string {
	t.Helper()
	var out []string
	for _, op := range s.operations(t) {
		if op.path == path {
			out = append(out, op.method)
		}
	}
	slices.Sort(out)
	return out
}

// template returns the document's path template that a request path
// under the API's prefix matches, segment by segment; a literal segment
// beats a {parameter}.
func (s *spec) template(path string) (string, bool) {
	segs := strings.Split(path, "/")
	paths, _ := s.doc["paths"].(map[string]any)
	best, bestParams := "", len(segs)+1
	for tmpl := range paths {
		tsegs := strings.Split(tmpl, "/")
		if len(tsegs) != len(segs) {
			continue
		}
		params := 0
		for i, ts := range tsegs {
			switch {
			case ts == segs[i]:
			case strings.HasPrefix(ts, "{") && strings.HasSuffix(ts, "}") && segs[i] != "":
				params++
			default:
				params = len(segs) + 1
			}
		}
		if params < bestParams {
			best, bestParams = tmpl, params
		}
	}
	return best, best != ""
}

// routeTemplate turns a route's net/http pattern into an OpenAPI path
// template: {name...} is {name}; {$} is nothing.
func routeTemplate(pattern string) string {
	pattern = strings.ReplaceAll(pattern, "{$}", "")
	return regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\.\.\.\}`).ReplaceAllString(pattern, "{$1}")
}

// TestOpenAPIRoutesMatch: every route the API registers is an operation
// of the document, and every operation of the document is a registered
// route, the document included.
func TestOpenAPIRoutesMatch(t *testing.T) {
	s := loadSpec(t)
	registered := map[string]bool{}
	for _, r := range api.Routes() {
		registered[r.Method+" "+routeTemplate(r.Path)] = true
	}
	documented := map[string]bool{}
	for _, op := range s.operations(t) {
		documented[op.method+" "+op.path] = true
	}
	for _, r := range slices.Sorted(maps.Keys(registered)) {
		if !documented[r] {
			t.Errorf("the API serves %s, which the document does not describe", r)
		}
	}
	for _, op := range slices.Sorted(maps.Keys(documented)) {
		if !registered[op] {
			t.Errorf("the document describes %s, which the API does not serve", op)
		}
	}
	if !registered["GET /openapi.json"] {
		t.Error("the document itself is not served")
	}
	if len(registered) != len(api.Routes()) {
		t.Errorf("a route is registered twice: %v", api.Routes())
	}
	servers, _ := s.doc["servers"].([]any)
	if len(servers) == 0 {
		t.Fatal("the document has no servers")
	}
	if first, _ := servers[0].(map[string]any); first["url"] != api.Prefix {
		t.Errorf("the first server is %v, want the API's prefix %s", first["url"], api.Prefix)
	}
}

// TestOpenAPIDocumentShape checks the document is OpenAPI 3.1 as this API
// uses it: every operation named, described and answered; every path
// parameter declared; every $ref resolving; the error codes those of
// errors.go, each under the status errors.go gives it.
func TestOpenAPIDocumentShape(t *testing.T) {
	s := loadSpec(t)
	if !json.Valid(s.raw) {
		t.Fatal("not valid JSON")
	}
	if s.doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", s.doc["openapi"])
	}
	info, _ := s.doc["info"].(map[string]any)
	if info["title"] == nil || info["version"] == nil {
		t.Errorf("info = %v: it needs a title and a version", info)
	}
	if _, ok := s.at("/components/securitySchemes/bearer"); !ok {
		t.Error("no bearer security scheme")
	}
	if sec, _ := s.doc["security"].([]any); len(sec) != 1 || sec[0].(map[string]any)["bearer"] == nil {
		t.Errorf("security = %v, want bearer for every operation", s.doc["security"])
	}

	// Every $ref, anywhere, resolves within the document.
	var refs func(ptr string, v any)
	refs = func(ptr string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				target, local := strings.CutPrefix(ref, "#")
				if _, found := s.at(target); !local || !found {
					t.Errorf("%s: $ref %q does not resolve", ptr, ref)
				}
			}
			for k, child := range v {
				refs(ptr+pointer(k), child)
			}
		case []any:
			for i, child := range v {
				refs(ptr+"/"+strconv.Itoa(i), child)
			}
		}
	}
	refs("", s.doc)

	codes := errorCodes(t)
	tags := map[string]bool{}
	docTags, _ := s.doc["tags"].([]any)
	for _, tag := range docTags {
		name, _ := tag.(map[string]any)["name"].(string)
		tags[name] = true
	}
	ids := map[string]string{}
	for _, op := range s.operations(t) {
		name := op.method + " " + op.path
		id, _ := op.op["operationId"].(string)
		if id == "" {
			t.Errorf("%s has no operationId", name)
		} else if other, dup := ids[id]; dup {
			t.Errorf("%s and %s share operationId %s", name, other, id)
		}
		ids[id] = name
		if op.op["summary"] == nil {
			t.Errorf("%s has no summary", name)
		}
		opTags, _ := op.op["tags"].([]any)
		if len(opTags) == 0 {
			t.Errorf("%s has no tags", name)
		}
		for _, tag := range opTags {
			if !tags[tag.(string)] {
				t.Errorf("%s has tag %v, which the document does not list", name, tag)
			}
		}
		if (op.path == "/openapi.json") != (op.op["security"] != nil) {
			t.Errorf("%s: only the document itself is served without a key", name)
		}
		checkPathParams(t, s, op)
		if op.method == "POST" {
			_, isJSON := s.at(op.ptr + "/requestBody/content/application~1json/schema")
			_, isNDJSON := s.at(op.ptr + "/requestBody/content/application~1x-ndjson/schema")
			if !isJSON && !isNDJSON {
				t.Errorf("%s has no JSON (or NDJSON) request body", name)
			}
			if !slices.ContainsFunc(params(t, s, op), func(p map[string]any) bool { return p["name"] == "Idempotency-Key" }) {
				t.Errorf("%s does not take an Idempotency-Key", name)
			}
		}
		responses, _ := op.op["responses"].(map[string]any)
		if !slices.ContainsFunc(slices.Collect(maps.Keys(responses)), func(s string) bool { return strings.HasPrefix(s, "2") }) {
			t.Errorf("%s has no success response", name)
		}
		for status := range responses {
			n, err := strconv.Atoi(status)
			if err != nil || n < 100 || n > 599 {
				t.Errorf("%s answers %q, which is not a status", name, status)
				continue
			}
			ptr, resp := s.object(t, op.ptr+pointer("responses", status))
			if resp["description"] == nil {
				t.Errorf("%s %s has no description", name, status)
			}
			if n >= 400 {
				checkErrorCodes(t, s, name, n, ptr, codes)
			}
		}
	}

	// The error codes are errors.go's, exactly.
	enum, _ := s.at("/components/schemas/ErrorCode/enum")
	list, _ := enum.([]any)
	var documented []string
	for _, c := range list {
		code, _ := c.(string)
		documented = append(documented, code)
	}
	slices.Sort(documented)
	if want := slices.Sorted(maps.Keys(codes)); !slices.Equal(documented, want) {
		t.Errorf("ErrorCode is %v, errors.go has %v", documented, want)
	}
}

// checkPathParams checks an operation declares its path's parameters,
// required, and no path parameter its path lacks.
func checkPathParams(t *testing.T, s *spec, op operation) {
	t.Helper()
	inPath := map[string]bool{}
	for _, m := range regexp.MustCompile(`\{([^}]+)\}`).FindAllStringSubmatch(op.path, -1) {
		inPath[m[1]] = true
	}
	declared := map[string]bool{}
	for _, p := range params(t, s, op) {
		if p["in"] != "path" {
			continue
		}
		name, _ := p["name"].(string)
		declared[name] = true
		if !inPath[name] || p["required"] != true {
			t.Errorf("%s %s: path parameter %s is not in the path, or not required", op.method, op.path, name)
		}
	}
	for name := range inPath {
		if !declared[name] {
			t.Errorf("%s %s: path parameter %s is not declared", op.method, op.path, name)
		}
	}
}

// params returns an operation's parameters, references followed.
func params(t testing.TB, s *spec, op operation) []map[string]any {
	t.Helper()
	list, _ := op.op["parameters"].([]any)
	out := make([]map[string]any, 0, len(list))
	for i := range list {
		_, p := s.object(t, op.ptr+pointer("parameters", strconv.Itoa(i)))
		out = append(out, p)
	}
	return out
}

// checkErrorCodes checks that an error response says which codes it
// carries (const or enum on error.code) and that errors.go gives each of
// them the response's status.
func checkErrorCodes(t *testing.T, s *spec, name string, status int, respPtr string, codes map[string]int) {
	t.Helper()
	v, ok := s.at(respPtr + "/content/application~1json/schema/properties/error/properties/code")
	narrow, _ := v.(map[string]any)
	var listed []any
	switch {
	case !ok:
	case narrow["const"] != nil:
		listed = []any{narrow["const"]}
	default:
		listed, _ = narrow["enum"].([]any)
	}
	if len(listed) == 0 {
		t.Errorf("%s %d does not say which error codes it carries", name, status)
	}
	for _, c := range listed {
		if codes[c.(string)] != status {
			t.Errorf("%s %d lists code %v, which errors.go answers with %d", name, status, c, codes[c.(string)])
		}
	}
}

// errorCodes reads the Code constants of errors.go, each with the status
// its comment gives it ("// 422: ...").
func errorCodes(t testing.TB) map[string]int {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]int{}
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, sp := range gen.Specs {
			vs, ok := sp.(*ast.ValueSpec)
			if !ok || len(vs.Names) != 1 || !strings.HasPrefix(vs.Names[0].Name, "Code") || len(vs.Values) != 1 {
				continue
			}
			lit, ok := vs.Values[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				continue
			}
			code, _ := strconv.Unquote(lit.Value)
			statusText, _, _ := strings.Cut(vs.Comment.Text(), ":")
			status, err := strconv.Atoi(strings.TrimSpace(statusText))
			if err != nil {
				t.Fatalf("errors.go: %s has no status in its comment", vs.Names[0].Name)
			}
			codes[code] = status
		}
	}
	if len(codes) == 0 {
		t.Fatal("errors.go has no Code constants")
	}
	return codes
}

// TestOpenAPIExamplesValidate checks every example of the document
// against its schema: each request body's and response's (every media
// type has at least one), and each parameter's.
func TestOpenAPIExamplesValidate(t *testing.T) {
	s := loadSpec(t)
	done := map[string]bool{} // pointers checked, references followed
	checked := 0
	examples := func(ptr string) {
		ptr, _ = s.object(t, ptr)
		if !done[ptr] {
			done[ptr] = true
			checked += s.checkExamples(t, ptr)
		}
	}
	media := func(ptr string) {
		ptr, obj := s.object(t, ptr)
		content, _ := obj["content"].(map[string]any)
		for mt := range content {
			examples(ptr + pointer("content", mt))
		}
	}
	for _, op := range s.operations(t) {
		if _, ok := op.op["requestBody"]; ok {
			media(op.ptr + "/requestBody")
		}
		responses, _ := op.op["responses"].(map[string]any)
		for status := range responses {
			media(op.ptr + pointer("responses", status))
		}
		list, _ := op.op["parameters"].([]any)
		for i := range list {
			examples(op.ptr + pointer("parameters", strconv.Itoa(i)))
		}
	}
	components, _ := s.at("/components/responses")
	shared, _ := components.(map[string]any)
	for name := range shared {
		media(pointer("components", "responses", name))
	}
	if checked < 40 {
		t.Errorf("only %d examples checked", checked)
	}
}

// checkExamples validates the examples of the object at ptr (a media
// type or a parameter) against its schema, and returns how many there
// were. A media type must have at least one.
func (s *spec) checkExamples(t *testing.T, ptr string) int {
	t.Helper()
	_, obj := s.object(t, ptr)
	examples, _ := obj["examples"].(map[string]any)
	if len(examples) == 0 && strings.Contains(ptr, "/content/") {
		t.Errorf("%s has no examples", ptr)
	}
	if _, ok := obj["example"]; ok {
		t.Errorf("%s: use examples, not example", ptr)
	}
	for name := range examples {
		expPtr, ex := s.object(t, ptr+pointer("examples", name))
		value, ok := ex["value"]
		if !ok {
			t.Errorf("%s has no value", expPtr)
			continue
		}
		if err := s.validate(t, ptr+"/schema", value); err != nil {
			t.Errorf("example %s does not fit its schema: %v", expPtr, err)
		}
	}
	return len(examples)
}

// TestOpenAPIServed fetches the document from the API as a client would:
// with no key, as kept in the repository, cacheable and revalidated by
// its ETag; another method gets 405.
func TestOpenAPIServed(t *testing.T) {
	s := loadSpec(t)
	srv := httptest.NewServer(api.New(api.Config{}, nil, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	get := func(method string, header ...string) (*http.Response, []byte) {
		req, _ := http.NewRequest(method, srv.URL+api.Prefix+"/openapi.json", nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}
	resp, body := get("GET")
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, s.raw) {
		t.Fatalf("GET: %d, and the body is not %s", resp.StatusCode, openAPIFile)
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	etag := resp.Header.Get("ETag")
	if mt != "application/json" || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age=") || etag == "" {
		t.Fatalf("headers = %v", resp.Header)
	}
	if resp, body := get("GET", "If-None-Match", etag); resp.StatusCode != http.StatusNotModified || len(body) != 0 || resp.Header.Get("ETag") != etag {
		t.Fatalf("revalidation: %d %v %q", resp.StatusCode, resp.Header, body)
	}
	if resp, _ := get("GET", "If-None-Match", `"stale"`); resp.StatusCode != http.StatusOK {
		t.Fatalf("a stale ETag: %d", resp.StatusCode)
	}
	if resp, _ := get("POST"); resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET" {
		t.Fatalf("POST: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	if resp, _ := get("GET", "Authorization", "Bearer nonsense"); resp.StatusCode != http.StatusOK {
		t.Fatalf("with a bad key: %d", resp.StatusCode)
	}
}

// liveCheck holds the answers of the live API to the document, and
// records which operation answered which status.
type liveCheck struct {
	t    *testing.T
	s    *spec
	e    *env
	seen map[string]bool // "POST /participants 201"
}

// call sends a request (as env.request does) and checks the answer.
func (l *liveCheck) call(method, path, key, body string, headers ...string) response {
	l.t.Helper()
	r := l.e.request(method, path, key, body, headers...)
	l.check(r, body)
	return r
}

// want sends a request, checks the answer, and fails unless its status
// is status.
func (l *liveCheck) want(status int, method, path, key, body string, headers ...string) response {
	l.t.Helper()
	r := l.call(method, path, key, body, headers...)
	if r.StatusCode != status {
		l.t.Fatalf("%s %s: %d, want %d: %s", method, path, r.StatusCode, status, r.body)
	}
	return r
}

// check holds one answer to the document: its status is one the
// operation lists (405 for a method it lacks), its body fits the schema
// for that status, strictly, its documented headers are there and fit,
// and the request body of a success fits the request schema.
func (l *liveCheck) check(r response, reqBody string) {
	t := l.t
	t.Helper()
	method, status := r.Request.Method, strconv.Itoa(r.StatusCode)
	where := method + " " + r.Request.URL.RequestURI() + " → " + status
	tmpl, ok := l.s.template(strings.TrimPrefix(r.Request.URL.EscapedPath(), api.Prefix))
	if !ok { // no route: a 404 with the error shape, or a 401 before it
		l.checkBody(where, r, "/components/schemas/Error")
		if r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: a path that is no route", where)
		}
		return
	}
	opPtr := pointer("paths", tmpl, strings.ToLower(method))
	var respPtr string
	if _, ok := l.s.at(opPtr); !ok {
		respPtr = "/components/responses/MethodNotAllowed"
		if allow := strings.Join(l.s.methodsOf(t, tmpl), ", "); r.StatusCode != http.StatusMethodNotAllowed || r.Header.Get("Allow") != allow {
			t.Errorf("%s: a method the document does not list, with Allow %q; want 405 with Allow %q",
				where, r.Header.Get("Allow"), allow)
		}
	} else {
		respPtr = opPtr + pointer("responses", status)
		if _, ok := l.s.at(respPtr); !ok {
			t.Errorf("%s: the document does not list this status for %s %s: %s", where, method, tmpl, r.body)
			return
		}
		l.seen[method+" "+tmpl+" "+status] = true
	}
	respPtr, resp := l.s.object(t, respPtr)
	if _, ok := resp["content"]; ok {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if _, ok := l.s.at(respPtr + pointer("content", mt)); !ok {
			t.Errorf("%s: Content-Type %q is not documented", where, r.Header.Get("Content-Type"))
			return
		}
		l.checkBody(where, r, respPtr+pointer("content", mt, "schema"))
	} else if len(r.body) != 0 {
		t.Errorf("%s: a body where the document has none: %s", where, r.body)
	}
	headers, _ := resp["headers"].(map[string]any)
	for name := range headers {
		hPtr, h := l.s.object(t, respPtr+pointer("headers", name))
		value, present := r.Header.Get(name), len(r.Header.Values(name)) > 0
		if !present {
			if h["required"] == true {
				t.Errorf("%s: no %s header", where, name)
			}
			continue
		}
		var v any = value
		if typ, _ := l.s.at(hPtr + "/schema/type"); typ == "integer" {
			v = json.Number(value)
			if _, err := strconv.ParseInt(value, 10, 64); err != nil {
				t.Errorf("%s: %s: %q is not an integer", where, name, value)
				continue
			}
		}
		if err := l.s.validate(t, hPtr+"/schema", v); err != nil {
			t.Errorf("%s: header %s: %q: %v", where, name, value, err)
		}
	}
	if reqBody != "" && r.StatusCode < 300 {
		if _, ok := l.s.at(opPtr + "/requestBody"); ok {
			bodyPtr, _ := l.s.object(t, opPtr+"/requestBody")
			l.checkRequest(where, bodyPtr, reqBody)
		}
	}
}

// checkRequest validates a request body the API accepted against the
// schema of the request body at bodyPtr: a JSON body, or each line of an
// NDJSON one.
func (l *liveCheck) checkRequest(where, bodyPtr, reqBody string) {
	t := l.t
	t.Helper()
	schema, values := bodyPtr+"/content/application~1json/schema", []string{reqBody}
	if _, ok := l.s.at(bodyPtr + "/content/application~1x-ndjson"); ok {
		schema, values = bodyPtr+"/content/application~1x-ndjson/schema", strings.Split(strings.TrimSpace(reqBody), "\n")
	}
	for _, text := range values {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
		if err != nil {
			t.Fatalf("%s: the request body is not JSON: %v", where, err)
		}
		if err := l.s.validate(t, schema, v); err != nil {
			t.Errorf("%s: the API accepted a request body its schema refuses: %s: %v", where, text, err)
		}
	}
}

// checkBody validates a response's JSON body against the schema at ptr.
func (l *liveCheck) checkBody(where string, r response, ptr string) {
	l.t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.body))
	if err != nil {
		l.t.Errorf("%s: the body is not JSON: %v: %s", where, err, r.body)
		return
	}
	if err := l.s.validate(l.t, ptr, v); err != nil {
		l.t.Errorf("%s: the body does not fit %s: %v\n%.2000s", where, ptr, err, r.body)
	}
}

// TestOpenAPILiveResponses calls every operation of the real API, over a
// real database on each engine, for its successes and its errors, and
// holds each answer to the document. Every status the document lists
// must have been seen (but 500, which no request can make happen).
func TestOpenAPILiveResponses(t *testing.T) {
	s := loadSpec(t)
	seen := map[string]map[string]bool{} // by engine
	engineSeen := func(db *storage.DB) map[string]bool {
		if seen[db.Engine()] == nil {
			seen[db.Engine()] = map[string]bool{}
		}
		return seen[db.Engine()]
	}
	t.Run("answers", func(t *testing.T) {
		storagetest.Each(t, func(t *testing.T, db *storage.DB) {
			l := &liveCheck{t: t, s: s, e: newEnv(t, db), seen: engineSeen(db)}
			l.scenario()
			l.probe()
		})
	})
	t.Run("rate limited", func(t *testing.T) {
		storagetest.Each(t, func(t *testing.T, db *storage.DB) {
			e := newEnvWith(t, db, envOptions{limit: ratelimit.Limit{Count: 1, Per: time.Minute}})
			l := &liveCheck{t: t, s: s, e: e, seen: engineSeen(db)}
			for _, op := range s.operations(t) {
				key := e.newKey("limited "+op.method+" "+op.path, core.ScopeWrite)
				path := api.Prefix + regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(op.path, "1")
				body := ""
				if op.method == "POST" {
					body = "{}"
				}
				l.call(op.method, path, key, body)
				if op.path != "/openapi.json" { // public: no key to count
					l.want(http.StatusTooManyRequests, op.method, path, key, body)
				}
			}
		})
	})
	t.Run("database down", func(t *testing.T) {
		storagetest.EachOutage(t, func(t *testing.T, o *storagetest.Outage) {
			e := newEnv(t, o.DB)
			l := &liveCheck{t: t, s: s, e: e, seen: engineSeen(o.DB)}
			o.Begin()
			for _, op := range s.operations(t) {
				path := api.Prefix + regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(op.path, "1")
				body := ""
				if op.method == "POST" {
					body = "{}"
				}
				if op.path == "/openapi.json" { // served from memory
					l.want(http.StatusOK, op.method, path, "", body)
					continue
				}
				r := l.want(http.StatusServiceUnavailable, op.method, path, e.write, body)
				if r.Header.Get("Retry-After") == "" || !strings.Contains(string(r.body), `"code":"unavailable"`) {
					t.Errorf("%s %s: %v %s", op.method, path, r.Header, r.body)
				}
			}
			if o.End(t) {
				l.want(http.StatusOK, "GET", api.Prefix+"/stats", e.read, "")
			}
		})
	})
	if t.Failed() {
		return
	}
	for engine, got := range seen {
		for _, op := range s.operations(t) {
			for status := range op.op["responses"].(map[string]any) {
				if k := op.method + " " + op.path + " " + status; !got[k] && status != "500" {
					t.Errorf("%s: the live API never answered %s", engine, k)
				}
			}
		}
	}
}

// scenario runs each operation through its successes and the errors
// that depend on what is stored.
func (l *liveCheck) scenario() {
	t, e := l.t, l.e
	if _, err := e.svc.ApplyPreset(t.Context(), e.admin, core.PresetGiveGet); err != nil {
		t.Fatal(err)
	}
	prog, err := e.svc.Program(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	prog.Rules = append(prog.Rules, referralhub.Rule{Trigger: referralhub.EventSignup,
		Referee: &referralhub.RewardSpec{Kind: referralhub.KindTrialDays, Amount: 14}})
	e.saveProgram(prog)
	const parts = api.Prefix + "/participants"
	w, rd := e.write, e.read

	// POST /participants: created, replayed, updated, referred by code and
	// by click; refused.
	annBody := `{"external_id":"user_42","email":"ann@example.com","name":"Ann Lee","plan":"free"}`
	var ann participantBody
	l.want(201, "POST", parts, w, annBody, "Idempotency-Key", "signup-ann").decode(t, 201, &ann)
	if r := l.want(201, "POST", parts, w, annBody, "Idempotency-Key", "signup-ann"); r.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("no replay")
	}
	l.want(200, "POST", parts, w, `{"external_id":"user_42","plan":"paid","email":null,"name":"Ann Lee"}`)
	l.want(409, "POST", parts, w, `{"external_id":"user_99"}`, "Idempotency-Key", "signup-ann")
	l.want(422, "POST", parts, w, `{"external_id":"user_98","email":"not-an-email"}`)
	l.want(422, "POST", parts, w, `{"external_id":"user_98","referral_code":"zzzzzzzz"}`)
	l.want(422, "POST", parts, w, `{"external_id":"user_98"}`, "Idempotency-Key", "has space")
	l.want(400, "POST", parts, w, `{"external_id":"user_98","nickname":"x"}`)
	l.want(400, "POST", parts, w, `{"external_id":42}`)
	clickID := e.click(ann.Code)
	var bob participantBody
	l.want(201, "POST", parts, w, `{"external_id":"user_43","email":"bob@example.com","name":"Bob","click_id":"`+clickID+`"}`).decode(t, 201, &bob)
	l.want(201, "POST", parts, w, `{"external_id":"user_45","referral_code":"`+strings.ToUpper(ann.Code)+`"}`)

	// POST /participants/import: rows answered one by one, replayed;
	// refused.
	imp := parts + "/import"
	rows := `{"external_id":"user_60","email":"sue@example.com","referred_by":"user_61"}` + "\n" +
		`{"external_id":"user_61","code":"SUE00061"}` + "\n" + `{"external_id":"user_62","email":"bad"}` + "\n"
	nd := []string{"Content-Type", "application/x-ndjson"}
	l.want(200, "POST", imp, w, rows, append(nd, "Idempotency-Key", "import-1")...)
	l.want(200, "POST", imp+"?dry_run=true", w, rows, nd...)
	l.want(409, "POST", imp, w, `{"external_id":"user_63"}`, append(nd, "Idempotency-Key", "import-1")...)
	l.want(422, "POST", imp, w, `{"external_id":"user_63","phone":"1"}`, nd...)
	l.want(413, "POST", imp, w, strings.Repeat(`{"external_id":"x"}`+"\n", 10001), nd...)
	l.want(400, "POST", imp, w, `{"external_id":"user_63"}`+"\n"+`{"a":`, nd...)

	// GET /participants/{id}: by id and external id, a hosted one; none.
	l.want(200, "GET", parts+"/ext:user_42", rd, "")
	l.want(200, "GET", fmt.Sprintf("%s/%d", parts, bob.ID), rd, "")
	l.want(200, "GET", parts+"/1", rd, "")
	l.want(404, "GET", parts+"/ext:nobody", rd, "")
	l.want(404, "GET", parts+"/999999", rd, "")

	// GET /clicks/{click_id}.
	l.want(200, "GET", api.Prefix+"/clicks/"+clickID, rd, "")
	l.want(404, "GET", api.Prefix+"/clicks/"+validClickID, rd, "")
	l.want(404, "GET", api.Prefix+"/clicks/nope", rd, "")

	// POST /events: a purchase that rewards both sides, seen again, a
	// custom event, a refund; refused.
	events := api.Prefix + "/events"
	purchase := `{"participant":"ext:user_43","type":"purchase","amount":2500,"currency":"USD","idempotency_key":"order_1001",
		"occurred_at":"2026-01-15T10:30:00+01:00","metadata":{"order":"1001","items":[1,2]}}`
	var ev eventBody
	l.want(201, "POST", events, w, purchase, "Idempotency-Key", "event-1").decode(t, 201, &ev)
	if len(ev.Rewards) != 2 {
		t.Fatalf("purchase rewards = %+v", ev.Rewards)
	}
	l.want(200, "POST", events, w, fmt.Sprintf(`{"participant":%d,"type":"purchase","amount":1,"currency":"usd","idempotency_key":"order_1001"}`, bob.ID))
	l.want(201, "POST", events, w, `{"participant":"`+strconv.FormatInt(ann.ID, 10)+`","type":"onboarding.completed","idempotency_key":"onboarding"}`)
	l.want(201, "POST", events, w, `{"participant":"ext:user_45","type":"email_verified","idempotency_key":"verified","occurred_at":null,"metadata":null}`)
	l.want(409, "POST", events, w, `{"participant":"ext:user_43","type":"visit","idempotency_key":"v"}`, "Idempotency-Key", "event-1")
	l.want(404, "POST", events, w, `{"participant":"ext:nobody","type":"visit","idempotency_key":"v"}`)
	l.want(422, "POST", events, w, `{"participant":"ext:user_43","type":"purchase","idempotency_key":"order_1002"}`)
	l.want(422, "POST", events, w, `{"participant":"ext:user_43","type":"signup","idempotency_key":"s"}`)
	l.want(400, "POST", events, w, `{"participant":true,"type":"visit","idempotency_key":"v"}`)
	l.want(400, "POST", events, w, `{"participant":"ext:user_43","type":"visit","idempotency_key":"v","metadata":[1]}`)

	// The lists, a page at a time, then refused.
	var page listBody[referralBody]
	l.want(200, "GET", parts+"/ext:user_42/referrals?limit=1", rd, "").decode(t, 200, &page)
	if page.NextCursor == nil {
		t.Fatal("no next_cursor")
	}
	l.want(200, "GET", parts+"/ext:user_42/referrals?limit=1&cursor="+*page.NextCursor, rd, "")
	l.want(200, "GET", parts+"/ext:user_45/referrals", rd, "")
	l.want(404, "GET", parts+"/ext:nobody/referrals", rd, "")
	l.want(422, "GET", parts+"/ext:user_42/referrals?limit=0", rd, "")
	l.want(422, "GET", parts+"/ext:user_42/referrals?cursor=!!", rd, "")
	var rewards listBody[rewardBody]
	l.want(200, "GET", parts+"/ext:user_43/rewards", rd, "").decode(t, 200, &rewards)
	l.want(200, "GET", parts+"/ext:user_42/rewards?limit=1", rd, "")
	l.want(404, "GET", parts+"/999999/rewards", rd, "")
	l.want(422, "GET", parts+"/ext:user_42/rewards?limit=101", rd, "")

	// A refund, after the lists saw the approved rewards.
	l.want(201, "POST", events, w, `{"participant":"ext:user_43","type":"refund","amount":2500,"currency":"usd","idempotency_key":"refund_1001","purchase":"order_1001"}`)

	// POST /rewards/{id}/redeem: trial days, replayed, again; refused.
	var trial int64
	for _, r := range rewards.Data {
		if r.Kind == referralhub.KindTrialDays {
			trial = r.ID
		}
	}
	if trial == 0 {
		t.Fatalf("bob has no trial days: %+v", rewards.Data)
	}
	redeem := func(id int64) string { return fmt.Sprintf("%s/rewards/%d/redeem", api.Prefix, id) }
	l.want(200, "POST", redeem(trial), w, "", "Idempotency-Key", "redeem-1")
	l.want(200, "POST", redeem(trial), w, "", "Idempotency-Key", "redeem-1")
	l.want(409, "POST", redeem(trial), w, "{}")
	l.want(422, "POST", redeem(ev.Rewards[0].ID), w, "{}")
	l.want(404, "POST", redeem(999999), w, "")
	l.want(404, "POST", api.Prefix+"/rewards/abc/redeem", w, "")

	// POST /embed-tokens: by external id (found), by id, replayed; refused.
	embed := api.Prefix + "/embed-tokens"
	l.want(201, "POST", embed, w, `{"external_id":"user_42","email":"ann@example.com","name":"Ann Lee"}`, "Idempotency-Key", "embed-1")
	l.want(201, "POST", embed, w, `{"external_id":"user_42","email":"ann@example.com","name":"Ann Lee"}`, "Idempotency-Key", "embed-1")
	l.want(201, "POST", embed, w, fmt.Sprintf(`{"participant_id":%d,"ttl_seconds":600}`, bob.ID))
	l.want(201, "POST", embed, w, `{"external_id":"user_46","referral_code":"`+ann.Code+`","ttl_seconds":null}`)
	l.want(409, "POST", embed, w, `{"external_id":"user_47"}`, "Idempotency-Key", "embed-1")
	l.want(404, "POST", embed, w, `{"participant_id":999999}`)
	l.want(422, "POST", embed, w, `{"ttl_seconds":600}`)
	l.want(422, "POST", embed, w, `{"external_id":"user_42","ttl_seconds":86401}`)
	l.want(400, "POST", embed, w, `{"external_id":"user_42","plan":"paid"}`)

	// POST /participants/{id}/invites: sent and refused, replayed; refused.
	invites := parts + "/ext:user_42/invites"
	l.want(200, "POST", invites, w, `{"emails":["dan@example.com","bob@example.com","nope"],"note":"Hi"}`, "Idempotency-Key", "invite-1")
	l.want(200, "POST", invites, w, `{"emails":["dan@example.com","bob@example.com","nope"],"note":"Hi"}`, "Idempotency-Key", "invite-1")
	l.want(409, "POST", invites, w, `{"emails":["eve@example.com"]}`, "Idempotency-Key", "invite-1")
	l.want(404, "POST", parts+"/ext:nobody/invites", w, `{"emails":["eve@example.com"]}`)
	l.want(422, "POST", invites, w, `{"emails":[]}`)
	l.want(400, "POST", invites, w, `{"emails":"eve@example.com"}`)

	// POST /programs/backtest: draft rules, a preset, the live rules;
	// refused.
	bt := api.Prefix + "/programs/backtest"
	l.want(200, "POST", bt, rd, `{"days":30,"rules":[{"trigger":"purchase","first_only":true,"referrer":{"kind":"points","amount":50},
		"referee":{"kind":"coupon","amount":0,"percent_off":20},"hold_days":14,"cap_count":3,"cap_period":"month"}]}`)
	l.want(200, "POST", bt, w, `{"days":7,"preset":"give-get"}`)
	l.want(200, "POST", bt, rd, `{}`)
	l.want(422, "POST", bt, rd, `{"preset":"nope"}`)
	l.want(422, "POST", bt, rd, `{"rules":[{"trigger":"refund","referrer":{"kind":"points","amount":1}}]}`)
	l.want(422, "POST", bt, rd, `{"days":400}`)
	l.want(400, "POST", bt, rd, `{"days":"30"}`)

	// GET /stats, and the document.
	l.want(200, "GET", api.Prefix+"/stats", rd, "")
	l.want(200, "GET", api.Prefix+"/stats?from=2026-01-01&to=2026-03-31&interval=month", rd, "")
	l.want(422, "GET", api.Prefix+"/stats?from=2026-03-01&to=2026-01-01", rd, "")
	l.want(422, "GET", api.Prefix+"/stats?interval=week", rd, "")
	r := l.want(200, "GET", api.Prefix+"/openapi.json", "", "")
	l.want(304, "GET", api.Prefix+"/openapi.json", "", "", "If-None-Match", r.Header.Get("ETag"))
}

// probe sends each operation the requests any of its kind refuses: no
// key; and for a POST, a read key, a body that is not JSON, one that is
// not declared as JSON, and one over 1 MiB. It sends every path a
// method it lacks, and asks for a path that is no route.
func (l *liveCheck) probe() {
	e := l.e
	huge := `{"external_id":"` + strings.Repeat("x", 1<<20) + `"}`
	for _, op := range l.s.operations(l.t) {
		path := api.Prefix + regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(op.path, "1")
		l.call("DELETE", path, e.write, "")
		if op.path == "/openapi.json" {
			continue
		}
		l.want(http.StatusUnauthorized, op.method, path, "", "")
		l.want(http.StatusUnauthorized, op.method, path, "rhk_"+strings.Repeat("A", 52), "")
		if op.method != "POST" {
			continue
		}
		if op.path == "/programs/backtest" { // it writes nothing: a read key may ask
			l.want(http.StatusOK, op.method, path, e.read, "{}")
		} else {
			l.want(http.StatusForbidden, op.method, path, e.read, "{}")
		}
		l.want(http.StatusBadRequest, op.method, path, e.write, `{"a":`)
		l.want(http.StatusUnsupportedMediaType, op.method, path, e.write, "{}", "Content-Type", "text/plain")
		l.want(http.StatusRequestEntityTooLarge, op.method, path, e.write, huge)
	}
	l.want(http.StatusNotFound, "GET", api.Prefix+"/nope", e.read, "")
	l.want(http.StatusUnauthorized, "GET", api.Prefix+"/nope", "", "")
}
