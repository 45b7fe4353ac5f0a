package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// maxBody bounds a request body: 1 MiB.
const maxBody = 1 << 20

// errTooLarge is the answer to a body over maxBody.
var errTooLarge = &requestError{status: http.StatusRequestEntityTooLarge, code: CodePayloadTooLarge,
	message: "The body is over the limit of 1 MiB."}

// readBody reads a request's body, which must be at most maxBody bytes
// and, unless empty, declared as JSON.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return readLimited(w, r, bodyLimit{max: maxBody, tooLarge: errTooLarge, types: []string{"application/json"},
		typeMessage: "Send the body as JSON, with Content-Type: application/json."})
}

// bodyLimit is what readLimited accepts: a size, its 413, and the media
// types a non-empty body may declare, with the 415 message.
type bodyLimit struct {
	max         int64
	tooLarge    error
	types       []string
	typeMessage string
}

// readLimited reads a request's body within l. A Content-Length over the
// limit is refused before a byte is read, so a client that sent Expect:
// 100-continue gets its 413 instead of a 100 Continue, and sends nothing.
func readLimited(w http.ResponseWriter, r *http.Request, l bodyLimit) ([]byte, error) {
	if r.ContentLength > l.max {
		return nil, l.tooLarge
	}
	if r.ContentLength != 0 {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || !slices.Contains(l.types, mt) {
			return nil, &requestError{status: http.StatusUnsupportedMediaType, code: CodeUnsupportedMediaType, message: l.typeMessage}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, l.max))
	var over *http.MaxBytesError
	switch {
	case errors.As(err, &over):
		return nil, l.tooLarge
	case err != nil:
		return nil, badRequest(CodeMalformedJSON, "", "The body could not be read.")
	}
	return body, nil
}

// decode reads body, one JSON object, into dst, refusing fields dst does
// not have. An empty body is refused unless emptyOK.
func decode(body []byte, dst any, emptyOK bool) error {
	if len(bytes.TrimSpace(body)) == 0 {
		if emptyOK {
			return nil
		}
		return badRequest(CodeMalformedJSON, "", "The body is empty: send a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest(CodeMalformedJSON, "", "The body holds more than one JSON value: send one object.")
	}
	return nil
}

// decodeError says what is wrong with a body the decoder refused.
func decodeError(err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		return badRequest(CodeMalformedJSON, "", fmt.Sprintf("The body is not valid JSON (at byte %d): %s.", syntax.Offset,
			strings.TrimPrefix(syntax.Error(), "json: ")))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest(CodeMalformedJSON, "", "The body is not valid JSON: it ends too early.")
	case errors.As(err, &typ) && typ.Field == "":
		return badRequest(CodeInvalidType, "", "The body must be a JSON object.")
	case errors.As(err, &typ):
		return badRequest(CodeInvalidType, typ.Field, fmt.Sprintf("%s must be %s, not %s.", typ.Field, jsonType(typ.Type), valueText(typ.Value)))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if unquoted, err := strconv.Unquote(name); err == nil {
			name = unquoted
		}
		return badRequest(CodeUnknownField, name, fmt.Sprintf("This endpoint takes no field %q.", name))
	}
	return badRequest(CodeMalformedJSON, "", "The body is not valid JSON.")
}

// jsonType names the JSON type a Go type is decoded from.
func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number within 64 bits"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// valueText words the JSON value the decoder describes ("number 10.5",
// "string", "object").
func valueText(v string) string {
	if n, ok := strings.CutPrefix(v, "number "); ok {
		return n
	}
	switch v {
	case "array", "object":
		return "an " + v
	case "bool":
		return "true or false"
	}
	return "a " + v
}
