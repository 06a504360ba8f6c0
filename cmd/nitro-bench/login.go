package main

import (
	"fmt"
	"net/url"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/nitro/bert"
)

// The ids of N2O's sample, which samples/chat keeps: the login page's
// name and room boxes ("pass" is the room) and its button; the room's
// message box and its send button.
const (
	loginUser   = "user"
	loginRoom   = "pass"
	loginButton = "loginButton"
	roomMessage = "message"
	roomSend    = "send"
)

// enter logs user into room as a browser does on the sample's login page
// at login, and returns the client of the room's page, ready to send
// (its trigger is the send button):
//
//  1. GET the login page: its X-Auth-Token cookie is the session;
//  2. open its socket with that cookie, init, and take the login
//     button's pickle from the init reply;
//  3. click it with the name and the room in its sources, and read where
//     the reply sends the browser;
//  4. GET that page in the session, open its socket, init, and take the
//     send button's pickle.
func (b *browser) enter(login *url.URL, user, room string) (*client, error) {
	token, err := b.paint(login, "")
	if err != nil {
		return nil, err
	}
	lc, err := b.open(login, token)
	if err != nil {
		return nil, err
	}
	defer lc.close()
	if _, err := lc.init(); err != nil {
		return nil, fmt.Errorf("login page: %w", err)
	}
	frame, err := lc.postback(loginButton, map[string]string{loginUser: user, loginRoom: room})
	if err != nil {
		return nil, fmt.Errorf("login page: %w", err)
	}
	if err := lc.ws.WriteMessage(websocket.BinaryMessage, frame); err != nil {
		return nil, err
	}
	// The io that answers the click sends the browser to the room, or
	// says why not (an alert, a field marked invalid).
	// A login that rotates the session sends the new token first, in an
	// io of its own (with the JavaScript that stores it as the cookie:
	// the client keeps it as the cookie itself).
	lc.ws.SetReadDeadline(time.Now().Add(lc.timeout))
	var js []byte
	for len(js) == 0 {
		var data bert.Term
		if js, data, err = lc.readIO(); err != nil {
			return nil, fmt.Errorf("login: waiting for the reply: %w", err)
		}
		if data.Is("Token", 2) {
			js = nil
		}
	}
	to := redirect(js)
	if to == "" {
		return nil, fmt.Errorf("login refused: %.300s", js)
	}
	roomURL, err := login.Parse(to)
	if err != nil {
		return nil, fmt.Errorf("login sends to %q: %w", to, err)
	}
	if roomURL.Host != login.Host {
		return nil, fmt.Errorf("login sends to another server: %s", roomURL)
	}
	if _, err := b.paint(roomURL, lc.token); err != nil {
		return nil, fmt.Errorf("room page: %w", err)
	}
	c, err := b.open(roomURL, lc.token)
	if err != nil {
		return nil, fmt.Errorf("room page: %w", err)
	}
	js, err = c.init()
	if err == nil {
		err = c.choose(roomSend, js)
	}
	if err != nil {
		c.ws.Close()
		return nil, fmt.Errorf("room page: %w", err)
	}
	return c, nil
}
