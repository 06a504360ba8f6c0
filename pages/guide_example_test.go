package pages_test

// The code of docs/guide.md: a guestbook that every open browser shows
// live. Every Go snippet of the guide is a piece of this file, which
// TestGuideSnippets checks, so the guide cannot drift from code that
// compiles and runs.

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/chromedp/chromedp"
	"github.com/go-chi/chi/v5"
	"github.com/nitrogo/framework/actions"
	"github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/ftp"
	"github.com/nitrogo/framework/nitro/keys"
	"github.com/nitrogo/framework/nitro/nitrotest"
	"github.com/nitrogo/framework/pages"
)

// Guestbook is the page: a list of entries, a form to sign in and then
// to sign. Its entries are in memory, shared by every connection.
type Guestbook struct {
	mu      sync.Mutex
	entries []Entry
}

// Entry is one line of the guestbook.
type Entry struct {
	Author, Text string
	Likes        int
}

// Title is the page's <title> (pages.Titled).
func (g *Guestbook) Title(cx *nitro.Context) string { return "Guestbook" }

func (g *Guestbook) Main(cx *nitro.Context) templ.Component {
	return elements.Panel{Body: []templ.Component{
		elements.Heading{Level: 1, Text: "Guestbook"},
		elements.List{Attrs: elements.Attrs{ID: "entries"}, Body: g.items()},
		g.form(cx),
	}}
}

func (g *Guestbook) Event(cx *nitro.Context, ev any) {
	if guestbookEvents.Handle(g, cx, ev) {
		return // a postback, handled by its method
	}
	switch e := ev.(type) {
	case nitro.Init:
		if err := cx.Subscribe(guestbookTopic); err != nil {
			cx.Logger().Error("guestbook: subscribing", "err", err)
		}
		if cx.User() == "" {
			actions.Focus(cx, "name")
		} else {
			actions.Focus(cx, "text")
		}
	case nitro.Push:
		g.pushed(cx, e)
	case ftp.Uploaded:
		g.uploaded(cx, e)
	}
}

// items renders every entry.
func (g *Guestbook) items() []templ.Component {
	g.mu.Lock()
	defer g.mu.Unlock()
	items := make([]templ.Component, len(g.entries))
	for n, e := range g.entries {
		items[n] = item(n, e)
	}
	return items
}

// item renders entry n: who, what, and a button to like it.
func item(n int, e Entry) templ.Component {
	return elements.Li{Attrs: elements.Attrs{ID: "entry-" + strconv.Itoa(n)}, Body: []templ.Component{
		elements.Span{Attrs: elements.Attrs{Class: "author"}, Text: e.Author},
		elements.Span{Text: " " + e.Text + " "},
		elements.Button{Attrs: elements.Attrs{ID: likeID(n)}, Text: hearts(e.Likes), Postback: Like{Entry: n}},
	}}
}

func likeID(n int) string     { return "like-" + strconv.Itoa(n) }
func hearts(likes int) string { return "♥ " + strconv.Itoa(likes) }

// textRule is what an entry's text must be, checked by the browser and
// again by the server.
var textRule = elements.Rule{Required: true, MaxLen: 200, Message: "Write something, up to 200 characters."}

// form is the sign-in form for a guest, the signing form for a user.
func (g *Guestbook) form(cx *nitro.Context) templ.Component {
	if cx.User() == "" {
		return elements.Form{Attrs: elements.Attrs{ID: "signIn"}, Postback: SignIn{}, Source: []string{"name"},
			Body: []templ.Component{
				elements.Label{For: "name", Text: "Your name "},
				elements.Textbox{Attrs: elements.Attrs{ID: "name"}, Validate: elements.Rule{Required: true, MaxLen: 40}},
				elements.Button{Attrs: elements.Attrs{ID: "login"}, Text: "Sign in", Postback: SignIn{}, Source: []string{"name"}},
			}}
	}
	return elements.Panel{Body: []templ.Component{
		elements.Form{Attrs: elements.Attrs{ID: "signForm"}, Postback: Sign{}, Source: []string{"text"},
			Body: []templ.Component{
				elements.Textbox{Attrs: elements.Attrs{ID: "text"}, Placeholder: "Say hello", Validate: textRule},
				elements.Button{Attrs: elements.Attrs{ID: "sign"}, Text: "Sign", Postback: Sign{}, Source: []string{"text"}},
			}},
		elements.Upload{Attrs: elements.Attrs{ID: "photo"}, StartText: "Share a photo"},
		elements.Button{Attrs: elements.Attrs{ID: "logout"}, Text: "Sign out " + cx.User(), Postback: SignOut{}},
	}}
}

// The page's postbacks: records, each tagged. Like carries the entry's
// number; the browser cannot change it, as postbacks travel sealed.
type (
	SignIn struct {
		_ struct{} `bert:"sign_in"`
	}
	Sign struct {
		_ struct{} `bert:"sign"`
	}
	Like struct {
		_     struct{} `bert:"like"`
		Entry int
	}
	SignOut struct {
		_ struct{} `bert:"sign_out"`
	}
)

// guestbookEvents sends each postback to its method, by type.
var guestbookEvents = pages.Postbacks(
	pages.On((*Guestbook).signIn),
	pages.On((*Guestbook).sign),
	pages.On((*Guestbook).like),
	pages.On((*Guestbook).signOut),
)

func (g *Guestbook) sign(cx *nitro.Context, _ Sign) {
	text := strings.TrimSpace(cx.QText("text")) // the rule held: 1 to 200 characters
	if text == "" || cx.User() == "" {
		return
	}
	g.add(cx, text)
	actions.SetProp(cx, actions.ID("text"), "value", "")
	actions.Focus(cx, "text")
}

func (g *Guestbook) like(cx *nitro.Context, l Like) {
	g.mu.Lock()
	defer g.mu.Unlock() // held while broadcasting: every page gets the counts in order
	if l.Entry < 0 || l.Entry >= len(g.entries) {
		return // a page of before a restart: its entry is gone
	}
	g.entries[l.Entry].Likes++
	likes := g.entries[l.Entry].Likes
	err := cx.Broadcast(guestbookTopic, func(bc *nitro.Context) {
		actions.UpdateText(bc, likeID(l.Entry), hearts(likes))
	})
	if err != nil {
		cx.Logger().Error("guestbook: broadcasting", "err", err)
	}
}

func (g *Guestbook) signIn(cx *nitro.Context, _ SignIn) {
	name := strings.TrimSpace(cx.QText("name"))
	if name == "" {
		actions.Alert(cx, "Please give your name.")
		return
	}
	cx.RotateSession() // a new session: a token known before never acts as the user
	cx.SetUser(name)
	actions.Redirect(cx, cx.Path()) // paint the page again, in the new session
}

func (g *Guestbook) signOut(cx *nitro.Context, _ SignOut) {
	cx.RotateSession() // the token and pickles of before now act as nobody
	actions.Redirect(cx, cx.Path())
}

// guestbookTopic is the topic every guestbook page subscribes to.
const guestbookTopic = "guestbook"

// Signed is what add publishes: entry N is new.
type Signed struct {
	_ struct{} `bert:"signed"`
	N int
}

// add appends an entry and tells every page of the guestbook.
func (g *Guestbook) add(cx *nitro.Context, text string) {
	g.mu.Lock()
	defer g.mu.Unlock() // held while publishing: every page gets the entries in order
	g.entries = append(g.entries, Entry{Author: cx.User(), Text: text})
	if err := cx.Publish(guestbookTopic, Signed{N: len(g.entries) - 1}); err != nil {
		cx.Logger().Error("guestbook: publishing", "err", err)
	}
}

// pushed shows a new entry. Each page renders it itself, so that its
// like button's postback is sealed for that page's session.
func (g *Guestbook) pushed(cx *nitro.Context, p nitro.Push) {
	var s Signed
	if bert.FromTerm(p.Msg, &s) != nil {
		return
	}
	g.mu.Lock()
	e := g.entries[s.N]
	g.mu.Unlock()
	actions.Remove(cx, "entry-"+strconv.Itoa(s.N)) // if Main showed it already
	actions.InsertBottom(cx, "entries", item(s.N, e))
}

// AcceptUploads takes uploads from signed-in users only (ftp.Gate).
func (g *Guestbook) AcceptUploads(cx *nitro.Context) bool { return cx.User() != "" }

func (g *Guestbook) uploaded(cx *nitro.Context, u ftp.Uploaded) {
	actions.UpdateText(cx, "photo-status", "shared")
	g.add(cx, "shared a photo: "+u.Name)
}

// newGuestbook wires the guestbook: a server whose protocol chain takes
// uploads into dir, and a router with the page at /.
func newGuestbook(ring *nitro.KeyRing, dir string) (*nitro.Server, http.Handler, error) {
	uploads := ftp.New(ftp.Config{Dir: dir, MaxSize: 8 << 20, SessionFiles: 10})
	srv, err := nitro.New(nitro.Config{Keys: ring,
		Protocols: []nitro.Protocol{nitro.Heart, nitro.Nitro, uploads}})
	if err != nil {
		return nil, nil, err
	}
	r := chi.NewRouter()
	pages.New(srv).Mount(r, "/", &Guestbook{})
	return srv, r, nil
}

// guestbookMain is the guestbook's func main. It is compiled, not run:
// everything it calls runs in the tests below.
func guestbookMain() {
	ring, err := keys.LoadOrCreate(".nitro/keys") // a development key, kept across restarts
	if err != nil {
		log.Fatal(err)
	}
	srv, h, err := newGuestbook(ring, "uploads")
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	addr := os.Getenv("ADDR") // where nitro-dev asks the app to listen
	if addr == "" {
		addr = "localhost:8000"
	}
	log.Fatal(http.ListenAndServe(addr, h))
}

// Step 1: the first paint, as a browser without JavaScript gets it.
func ExampleGuestbook_page() {
	key, _ := nitro.GenerateKey(1)
	ring, _ := nitro.NewKeyRing(key)
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	book := &Guestbook{entries: []Entry{{Author: "Ann", Text: "Hello!"}}}
	r := chi.NewRouter()
	pages.New(srv).Mount(r, "/", book)

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	html := w.Body.String()
	start := strings.Index(html, `<div id="nitro-root">`)
	end := strings.Index(html, "</ul>") + len("</ul>")
	fmt.Println(w.Code, w.Header().Get("Content-Type"))
	fmt.Println(html[start:end])
	// Output:
	// 200 text/html; charset=utf-8
	// <div id="nitro-root"><div><h1>Guestbook</h1><ul id="entries"><li id="entry-0"><span class="author">Ann</span><span> Hello! </span><button id="like-0" type="button">♥ 0</button></li></ul>
}

// Step 2: elements render HTML, escaped; templ components and elements
// nest in each other.
func ExampleGuestbook_elements() {
	ctx := context.Background()
	item(3, Entry{Author: "Bob", Text: "<b>bold</b> & brave", Likes: 2}).Render(ctx, os.Stdout)
	fmt.Println()

	// What a .templ template compiles to: a templ.Component.
	signature := templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		io.WriteString(w, "<footer>Signed by ")
		elements.Span{Text: "Ann"}.Render(ctx, w) // an element inside templ
		_, err := io.WriteString(w, "</footer>")
		return err
	})
	elements.Panel{Body: []templ.Component{signature}}.Render(ctx, os.Stdout) // and templ inside an element
	fmt.Println()
	// Output:
	// <li id="entry-3"><span class="author">Bob</span><span> &lt;b&gt;bold&lt;/b&gt; &amp; brave </span><button id="like-3" type="button">♥ 2</button></li>
	// <div><footer>Signed by <span>Ann</span></footer></div>
}

// Step 3: a postback is a record: its tag, then its fields.
func ExampleGuestbook_postbacks() {
	for _, p := range []any{Sign{}, Like{Entry: 3}} {
		t, err := bert.ToTerm(p)
		if err != nil {
			panic(err)
		}
		fmt.Println(t)
	}
	// Output:
	// {sign}
	// {like,3}
}

// Step 3: a rule renders as the browser's constraints, and the server
// checks the same rule on what the browser sent.
func ExampleGuestbook_validation() {
	elements.Textbox{Attrs: elements.Attrs{ID: "text"}, Validate: textRule}.Render(context.Background(), os.Stdout)
	fmt.Println()

	sealed := elements.WrapPostback(bert.Atom("sign"), map[string]elements.Rule{"text": textRule})
	sent := func(key string) bert.Term { return bert.BinString(strings.Repeat("a", 201)) }
	postback, problems := elements.CheckPostback(sealed, sent)
	fmt.Println(postback, problems)
	// Output:
	// <input id="text" type="text" required maxlength="200" data-msg="Write something, up to 200 characters.">
	// sign map[text:Write something, up to 200 characters.]
}

// Step 4: what actions send to the browser, text escaped.
func ExampleGuestbook_actions() {
	key, _ := nitro.GenerateKey(1)
	ring, _ := nitro.NewKeyRing(key)
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	cx := srv.NewContext(httptest.NewRequest("GET", "/", nil), "session", "/", nil)
	sent := func() { fmt.Println(string(cx.TakeJS())) } // what a reply would carry

	actions.UpdateText(cx, "like-0", `♥ 1 </script>`)
	sent()
	actions.InsertBottom(cx, "entries", elements.Li{Text: "Tom & Jerry"})
	sent()
	actions.Update(cx, "photo-status", elements.Span{Attrs: elements.Attrs{ID: "photo-status"}, Text: "shared"})
	sent()
	actions.Focus(cx, "text")
	sent()
	actions.Alert(cx, `Say "hello"`)
	sent()
	actions.Redirect(cx, "/")
	sent()
	// Output:
	// {var x=qi("like-0");if(x){x.textContent="♥ 1 \u003c/script\u003e";}}
	// {var x=qi("entries");if(x){x.insertAdjacentHTML("beforeend","\u003cli\u003eTom \u0026amp; Jerry\u003c/li\u003e");}}
	// {var x=qi("photo-status");if(x){x.outerHTML="\u003cspan id=\"photo-status\"\u003eshared\u003c/span\u003e";}}
	// {var x=qi("text");if(x){x.focus();}}
	// alert("Say \"hello\"");
	// (window.nitroSession||{then:function(f){f()}}).then(function(){window.location.assign("/")});
}

// Step 8: the guestbook over its socket, as browsers use it.
func TestGuestbook(t *testing.T) {
	srv, h, err := newGuestbook(nitrotest.NewKeyRing(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := nitrotest.Serve(t, srv, h)

	guest := s.Dial("/")
	if reply := guest.Init(); !strings.Contains(reply.JS, "Sign in") {
		t.Fatalf("a guest's page has no sign-in form: %s", reply.JS)
	}
	if res := guest.Upload("cat.jpg", []byte("meow")); res.Last.Status != "error" {
		t.Errorf("a guest uploaded a file: %+v", res.Last)
	}
	ann, bob := signIn(t, s, "Ann"), signIn(t, s, "Bob")

	// The server checks the rule again: a client that skips the
	// browser's check is told why, and nothing is signed.
	reply := ann.Click("sign", nitrotest.Source("text", strings.Repeat("a", 201)))
	if !strings.Contains(reply.JS, "Write something, up to 200 characters.") {
		t.Errorf("a text of 201 characters got %q", reply.JS)
	}

	// Ann signs; every page shows it next, hers included.
	ann.Click("sign", nitrotest.Source("text", "Hello from Ann"))
	expect(t, "Hello from Ann", ann, bob, guest)

	// Bob likes it: one broadcast updates every page.
	bob.Click("like-0")
	expect(t, "♥ 1", ann, bob, guest)

	// Ann shares a photo.
	if res := ann.Upload("cat.jpg", []byte("meow")); !res.Done {
		t.Fatalf("the upload stopped: %+v", res.Last)
	}
	expect(t, "shared a photo: cat.jpg", ann, bob, guest)

	// Signing out rotates the session: Ann's pickles of before act as
	// nobody.
	pickle, _ := ann.Pickle("sign")
	ann.Click("logout") // the new session's token
	expect(t, `window.location.assign("/")`, ann)
	ann.Postback("sign", pickle, nitrotest.Source("text", "still me?"))
	if reply := ann.NextIO(); !reply.Data.Is("error", 2) {
		t.Errorf("a postback of before signing out got %v, want an error", reply.Data)
	}
}

// signIn signs name in as a browser does, and opens the page the
// redirect goes to, in the new session.
func signIn(t *testing.T, s *nitrotest.Server, name string) *nitrotest.Client {
	t.Helper()
	c := s.Dial("/")
	c.Init()
	c.Click("login", nitrotest.Source("name", name)) // the new session's token
	expect(t, `window.location.assign("/")`, c)
	c.Close()
	c = s.Dial("/", nitrotest.WithToken(c.Token()))
	if reply := c.Init(); !strings.Contains(reply.JS, "Sign out "+name) {
		t.Fatalf("%s is not signed in: %s", name, reply.JS)
	}
	return c
}

// expect checks that the next JavaScript each client gets holds want.
func expect(t *testing.T, want string, clients ...*nitrotest.Client) {
	t.Helper()
	for i, c := range clients {
		if js := c.NextIO().JS; !strings.Contains(js, want) {
			t.Errorf("client %d got %q, want %q in it", i, js, want)
		}
	}
}

// Step 8: the guestbook in a real browser, driven with chromedp.
func TestGuestbookBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Chromium: apt-get install -y chromium")
		}
		t.Skip("no Chromium: apt-get install -y chromium")
	}
	srv, h, err := newGuestbook(nitrotest.NewKeyRing(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := nitrotest.Serve(t, srv, h)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium),
		chromedp.NoSandbox, chromedp.UserDataDir(t.TempDir()))
	ctx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel = chromedp.NewContext(ctx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	// The page is live once Init has run: it focuses the box to type in.
	err = chromedp.Do(ctx,
		chromedp.Navigate(s.HTTP.URL+"/"),
		chromedp.Poll[chromedp.Void](`document.activeElement.id === "name"`),
		chromedp.SendKeys(chromedp.CSS("#name"), "Zoë"),
		chromedp.Click(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS("#text")), // the page the redirect loads
		chromedp.Poll[chromedp.Void](`document.activeElement.id === "text"`),
		chromedp.SendKeys(chromedp.CSS("#text"), "Hello from Chromium\r"), // Enter submits the form
		chromedp.WaitVisible(chromedp.CSS("#entry-0")),
	)
	if err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#entry-0")))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Zoë Hello from Chromium ♥ 0"; got != want {
		t.Errorf("the entry shows %q, want %q", got, want)
	}
}

// TestGuideSnippets checks that every Go snippet of docs/guide.md is a
// piece of this file, as it is written here (at any indentation), and
// every output it shows is an example's.
func TestGuideSnippets(t *testing.T) {
	guide, err := os.ReadFile(filepath.Join("..", "docs", "guide.md"))
	if err != nil {
		t.Fatal(err)
	}
	code, err := os.ReadFile("guide_example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(guide), -1)
	if len(blocks) == 0 {
		t.Fatal("docs/guide.md has no Go snippets")
	}
	for _, b := range blocks {
		if !containsIndented(string(code), b[1]) {
			t.Errorf("this snippet of docs/guide.md is not in guide_example_test.go:\n%s", b[1])
		}
	}
	// What the guide says an example prints is in that example's Output.
	for _, b := range regexp.MustCompile("(?s)```text\n(.*?)```").FindAllStringSubmatch(string(guide), -1) {
		for _, line := range strings.Split(strings.TrimSuffix(b[1], "\n"), "\n") {
			if !strings.Contains(string(code), "\t// "+line+"\n") {
				t.Errorf("docs/guide.md shows output that no example of guide_example_test.go prints:\n%s", line)
			}
		}
	}
}

// containsIndented reports whether code holds snippet's lines, all
// indented by the same number of tabs.
func containsIndented(code, snippet string) bool {
	for indent := ""; len(indent) <= 4; indent += "\t" {
		lines := strings.Split(strings.TrimSuffix(snippet, "\n"), "\n")
		for i, l := range lines {
			if l != "" {
				lines[i] = indent + l
			}
		}
		if strings.Contains(code, strings.Join(lines, "\n")+"\n") {
			return true
		}
	}
	return false
}
