// Package clicks is the machinery of the click redirect (GET /r/{code}):
// the code cache in front of the database, the buffer that writes clicks in
// batches and the spool that keeps them on disk until then, click ids, and
// the keyed hashing of IP addresses. It holds no rules: whether a click
// counts, is a bot or is someone's own link is the core's to decide. It
// depends on the domain types and storage only.
package clicks
