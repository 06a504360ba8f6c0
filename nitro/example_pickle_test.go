package nitro_test

import (
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/keys"
)

// Keys as an app would read them from its environment (these are examples:
// make real ones with GenerateKey and keys.Format).
const (
	oldKeys = "1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
	newKeys = "1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8,2:ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM"
)

func exampleRing(text string) *nitro.KeyRing {
	ks, err := keys.Parse(text)
	if err != nil {
		log.Fatal(err)
	}
	ring, err := nitro.NewKeyRing(ks...)
	if err != nil {
		log.Fatal(err)
	}
	return ring
}

func ExampleKeyRing_Seal() {
	ring := exampleRing(oldKeys)
	sid := nitro.NewSID()
	now := time.Now()

	pickle := ring.Seal(nil, sid, []byte("{ev, Page, Postback}"), now.Add(time.Hour))
	payload, err := ring.Open(nil, sid, pickle, now)
	fmt.Printf("%s %v\n", payload, err)

	_, err = ring.Open(nil, nitro.NewSID(), pickle, now)
	fmt.Println(err)
	_, err = ring.Open(nil, sid, pickle, now.Add(2*time.Hour))
	fmt.Println(errors.Is(err, nitro.ErrPickleExpired))
	// Output:
	// {ev, Page, Postback} <nil>
	// nitro: pickle sealed for another session
	// true
}

// Rotating keys: add the new key last, so it seals, and keep the old one
// until the pickles it sealed have expired.
func ExampleNewKeyRing_rotation() {
	before, during, after := exampleRing(oldKeys), exampleRing(newKeys), exampleRing(newKeys[len(oldKeys)+1:])
	now := time.Now()
	old := before.Seal(nil, "sid", []byte("sealed before"), now.Add(time.Hour))

	payload, err := during.Open(nil, "sid", old, now)
	fmt.Printf("%s %v\n", payload, err)
	_, err = after.Open(nil, "sid", old, now)
	fmt.Println(err)
	// Output:
	// sealed before <nil>
	// nitro: pickle sealed with an unknown key (key 1)
}

func ExampleGenerateKey() {
	k, err := nitro.GenerateKey(3)
	if err != nil {
		log.Fatal(err)
	}
	// Give every node this line, e.g. in an environment variable read by
	// main, and pass it to keys.Parse.
	fmt.Println(len(keys.Format(k)))
	// Output: 45
}

func ExampleTokens_Authenticate() {
	tokens := &nitro.Tokens{Keys: exampleRing(oldKeys)}

	// A new visitor sends no token: a new session, and its token.
	sid, token, fresh := tokens.Authenticate("")
	fmt.Println(len(sid), fresh)

	// The same visitor reconnects with it: the same session and token.
	again, inForce, fresh := tokens.Authenticate(token)
	fmt.Println(again == sid, inForce == token, fresh)

	// A token that does not verify starts a new session.
	other, _, fresh := tokens.Authenticate(token[:len(token)-2])
	fmt.Println(other == sid, fresh)
	// Output:
	// 22 true
	// true true false
	// false true
}

func ExampleTokens_Verify() {
	tokens := &nitro.Tokens{Keys: exampleRing(oldKeys), TTL: time.Hour}
	token := tokens.Issue("a session id")

	sid, expires, err := tokens.Verify(token)
	fmt.Println(sid, time.Until(expires).Round(time.Hour), err)
	_, _, err = tokens.Verify("not a token")
	fmt.Println(err)
	// Output:
	// a session id 1h0m0s <nil>
	// nitro: malformed pickle
}
