package api

import (
	"encoding/base64"
	"net/http"
	"strconv"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// defaultPageSize is a list's page size when ?limit= is not given.
const defaultPageSize = 20

// list is every list response: a page of items and the cursor of the
// next page, null at the end.
type list[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// pageParams reads ?limit= (1 to 100, 20 by default) and ?cursor= (from
// an earlier page's next_cursor; none for the first page).
func pageParams(r *http.Request) (after int64, limit int, err error) {
	q := r.URL.Query()
	limit = defaultPageSize
	if q.Has("limit") {
		limit, err = strconv.Atoi(q.Get("limit"))
		if err != nil || limit < 1 || limit > core.MaxPageSize {
			return 0, 0, invalidParam("limit", "limit is a whole number from 1 to 100.")
		}
	}
	if q.Has("cursor") {
		if after = decodeCursor(q.Get("cursor")); after <= 0 {
			return 0, 0, invalidParam("cursor", "That cursor is not one this API gave: use next_cursor from the previous page.")
		}
	}
	return after, limit, nil
}

func invalidParam(name, msg string) error {
	return &referralhub.Error{Code: referralhub.EINVALID, Message: msg, Fields: map[string]string{name: msg}}
}

// encodeCursor makes the opaque cursor that continues after id; nil for
// 0, the end of the list.
func encodeCursor(id int64) *string {
	if id == 0 {
		return nil
	}
	c := base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
	return &c
}

// decodeCursor returns the id a cursor continues after, or 0 when it is
// not a cursor.
func decodeCursor(c string) int64 {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0
	}
	id, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// pageOf converts a page of items into the list response.
func pageOf[S, T any](items []S, next int64, view func(S) T) list[T] {
	out := list[T]{Data: make([]T, 0, len(items)), NextCursor: encodeCursor(next)}
	for _, it := range items {
		out.Data = append(out.Data, view(it))
	}
	return out
}
