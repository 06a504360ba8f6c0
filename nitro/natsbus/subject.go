package natsbus

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// maxTokenTopic is the longest topic written out in its subject; a longer
// one travels under its hash, so that a subject stays well inside a NATS
// server's control-line limit (4 KiB by default).
const maxTokenTopic = 768

// Subject returns the NATS subject on which topic travels: prefix, a dot,
// and topic as one token, in unpadded base64url, which no dot, space, '*'
// or '>' of the topic can turn into a wildcard or another token. The
// empty topic is the token "~"; a topic longer than 768 bytes is "~" and
// the base64url of its SHA-256. base64url never writes '~', so distinct
// topics have distinct subjects (the long ones, but for a SHA-256
// collision).
//
// A program that is not a node publishes a BERT term to
// Subject("nitro", topic) to reach topic's subscribers on every node.
func Subject(prefix, topic string) string {
	return prefix + "." + token(topic)
}

// token is topic as one subject token.
func token(topic string) string {
	switch {
	case topic == "":
		return "~"
	case len(topic) > maxTokenTopic:
		sum := sha256.Sum256([]byte(topic))
		return "~" + base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return base64.RawURLEncoding.EncodeToString([]byte(topic))
}

// checkPrefix refuses a prefix that is not a plain subject: an empty
// token, a wildcard, or white space.
func checkPrefix(prefix string) error {
	for tok := range strings.SplitSeq(prefix, ".") {
		if tok == "" || strings.ContainsAny(tok, "*> \t\r\n\f\v") {
			return errors.New("natsbus: bad prefix " + `"` + prefix + `"` + ": want dot-separated tokens, none empty, none a wildcard, no spaces")
		}
	}
	return nil
}
