package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/referralhub/referralhub"
)

// describe turns an application error into one line for the terminal,
// listing each field's problem under its flag's name. A field that is no
// flag (the password, which comes from a file, standard input or a
// prompt) is named as it is.
func describe(err error) error {
	fields := referralhub.ErrorFields(err)
	if len(fields) == 0 {
		return fmt.Errorf("%s", referralhub.ErrorMessage(err))
	}
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = flagName(k) + ": " + fields[k]
	}
	return fmt.Errorf("%s", strings.Join(parts, "; "))
}

// flagName is the command-line name of an input field.
func flagName(field string) string {
	if field == "password" {
		return "the password"
	}
	return "--" + field
}
