package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// maxPasswordInput bounds what is read as a password: far more than the
// longest password accepted, so a longer one is refused by the check of
// its length, not cut short.
const maxPasswordInput = 64 << 10

// newPassword is the password of "user create": from file
// (--password-file), from standard input (--password-stdin), or typed at
// env.prompt when standard input is a terminal.
func newPassword(env cmdEnv, file string, fromStdin bool) (string, error) {
	switch {
	case file != "" && fromStdin:
		return "", errors.New("give --password-file or --password-stdin, not both")
	case file != "":
		return readPasswordFile(file)
	case fromStdin:
		return readPasswordStdin(env.stdin)
	case env.prompt != nil:
		return promptPassword(env.prompt)
	}
	return "", errors.New("no password: give --password-file F or --password-stdin, or run it on a terminal to type one")
}

// readPasswordFile reads a password, dropping one trailing newline.
func readPasswordFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("--password-file: %w", err)
	}
	defer f.Close()
	pw, err := readPassword(f)
	if err != nil {
		return "", fmt.Errorf("--password-file: %w", err)
	}
	return pw, nil
}

// readPasswordStdin reads a password from standard input, such as
// `printf %s "$PW" | referralhub user create ... --password-stdin`.
func readPasswordStdin(stdin io.Reader) (string, error) {
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	pw, err := readPassword(stdin)
	if err != nil {
		return "", fmt.Errorf("--password-stdin: %w", err)
	}
	if pw == "" {
		return "", errors.New("--password-stdin: standard input held no password")
	}
	return pw, nil
}

// readPassword reads r to its end, dropping one trailing newline (\n or
// \r\n).
func readPassword(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxPasswordInput))
	if err != nil {
		return "", err
	}
	s := strings.TrimSuffix(string(b), "\n")
	return strings.TrimSuffix(s, "\r"), nil
}

// promptPassword asks for the password twice and refuses a mismatch.
func promptPassword(prompt func(string) (string, error)) (string, error) {
	pw, err := prompt("Password: ")
	if err != nil {
		return "", err
	}
	again, err := prompt("Password again: ")
	if err != nil {
		return "", err
	}
	if pw != again {
		return "", errors.New("the two passwords differ")
	}
	return pw, nil
}

// terminalPrompt reads a line from in without echoing it, after writing
// its prompt to out; it is nil when in is not a terminal, where nobody is
// there to type.
func terminalPrompt(in *os.File, out io.Writer) func(string) (string, error) {
	fd := int(in.Fd())
	if !term.IsTerminal(fd) {
		return nil
	}
	return func(p string) (string, error) {
		fmt.Fprint(out, p)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(out)
		return string(b), err
	}
}
