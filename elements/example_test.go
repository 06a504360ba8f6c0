package elements_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"

	"github.com/a-h/templ"
	"github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// show renders c statically, without a page Context, to stdout.
func show(c templ.Component) {
	if err := c.Render(context.Background(), os.Stdout); err != nil {
		fmt.Println("error:", err)
	}
	fmt.Println()
}

func Example() {
	form := elements.Form{Attrs: elements.Attrs{ID: "signup"}, Postback: bert.Atom("signup"), Source: []string{"name"},
		Body: []templ.Component{
			elements.Label{For: "name", Text: "Name"},
			elements.Textbox{Attrs: elements.Attrs{ID: "name"}, Validate: elements.Rule{Required: true, MaxLen: 40}},
			elements.Button{Text: "Cancel", Postback: bert.Atom("cancel")},
		}}
	// Without a nitro.Context nothing is wired: rendered in the page's
	// Context, the form and the button would also get their postbacks.
	show(form)
	// Output:
	// <form id="signup"><label for="name">Name</label><input id="name" type="text" required maxlength="40"><button type="button">Cancel</button></form>
}

func ExamplePanel() {
	show(elements.Panel{
		Attrs: elements.Attrs{Class: "card", Data: map[string]string{"id": "7", "kind": "note"}, Aria: map[string]string{"live": "polite"}},
		Text:  "Tom & Jerry <3",
		Body:  []templ.Component{elements.Span{Text: "inside"}},
	})
	// Output:
	// <div class="card" data-id="7" data-kind="note" aria-live="polite">Tom &amp; Jerry &lt;3<span>inside</span></div>
}

// A templ component inside an element, and an element inside a templ
// component.
func ExamplePanel_templ() {
	greeting := templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if _, err := io.WriteString(w, "<em>hello</em>"); err != nil {
			return err
		}
		return elements.Span{Text: "world"}.Render(ctx, w)
	})
	show(elements.Panel{Body: []templ.Component{greeting}})
	// Output:
	// <div><em>hello</em><span>world</span></div>
}

func ExampleHeading() {
	show(elements.Heading{Level: 2, Text: "Section"})
	// Output:
	// <h2>Section</h2>
}

func ExampleLink() {
	show(elements.Link{Href: "/docs?page=1&lang=en", Text: "Docs"})
	show(elements.Link{Href: "javascript:alert(1)", Text: "sanitised"})
	// Output:
	// <a href="/docs?page=1&amp;lang=en">Docs</a>
	// <a href="about:invalid#TemplFailedSanitizationURL">sanitised</a>
}

func ExampleButton() {
	show(elements.Button{Attrs: elements.Attrs{ID: "save", Class: "primary"}, Text: "Save",
		Postback: bert.Atom("save"), Source: []string{"title", "body"}})
	// Output:
	// <button id="save" class="primary" type="button">Save</button>
}

func ExampleTextbox() {
	show(elements.Textbox{Attrs: elements.Attrs{ID: "user"}, Name: "user", Placeholder: "user name",
		Validate: elements.Rule{Required: true, MinLen: 3, MaxLen: 16, Pattern: "[a-z0-9_]+", Message: "3 to 16 letters, digits or _"}})
	// Output:
	// <input id="user" type="text" name="user" placeholder="user name" required minlength="3" maxlength="16" pattern="[a-z0-9_]+" data-msg="3 to 16 letters, digits or _">
}

// A message box that sends its message on Enter, as a Chat button would
// on a click. Rendered in a page's Context, the box wires its Enter
// postback (the JavaScript goes out after the HTML): a press of Enter,
// but not one that ends an input method's composition nor a key held
// down, sends chat with the box's value, once the browser has checked
// it.
func ExampleTextbox_enter() {
	key, err := nitro.GenerateKey(1) // a fresh key, for the example
	if err != nil {
		log.Fatal(err)
	}
	ring, err := nitro.NewKeyRing(key)
	if err != nil {
		log.Fatal(err)
	}
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		log.Fatal(err)
	}
	cx := srv.NewContext(httptest.NewRequest("GET", "/chat", nil), "a session id", "/chat", nil)

	box := elements.Textbox{Attrs: elements.Attrs{ID: "message"}, Placeholder: "Say something", Enter: bert.Atom("chat")}
	if err := box.Render(cx, os.Stdout); err != nil {
		log.Fatal(err)
	}
	fmt.Println()
	// (The pickle is sealed with a fresh nonce: shown as PICKLE.)
	fmt.Println(regexp.MustCompile(`bin\("[A-Za-z0-9_-]{40,}"\)`).ReplaceAllString(string(cx.TakeJS()), `bin("PICKLE")`))
	// Output:
	// <input id="message" type="text" placeholder="Say something">
	// {var x=qi("message");if(x){var k="__nitro_keydown_Enter";if(x[k])x.removeEventListener("keydown",x[k]);x[k]=function(event){if(event.key!=="Enter"||event.isComposing||event.keyCode===229||event.defaultPrevented)return;event.preventDefault();if(event.repeat)return;if(validateSources(["message"],"message")){ws.send(enc(tuple(atom('pickle'),bin("message"),bin("PICKLE"),[tuple(tuple(bin("message"),bin('detail')),[]),tuple(atom("message"),querySource("message"))])));}};x.addEventListener("keydown",x[k]);}}
}

func ExamplePassword() {
	show(elements.Password{Attrs: elements.Attrs{ID: "pw"}, Validate: elements.Rule{Required: true, MinLen: 12}})
	// Output:
	// <input id="pw" type="password" required minlength="12">
}

func ExampleEmail() {
	show(elements.Email{Attrs: elements.Attrs{ID: "mail"}, Validate: elements.Rule{Required: true}})
	// Output:
	// <input id="mail" type="email" required>
}

func ExampleNumber() {
	lo, hi := 1.0, 99.0
	show(elements.Number{Attrs: elements.Attrs{ID: "qty"}, Value: "1", Validate: elements.Rule{Min: &lo, Max: &hi}})
	// Output:
	// <input id="qty" type="number" value="1" min="1" max="99">
}

func ExampleDate() {
	show(elements.Date{Attrs: elements.Attrs{ID: "born"}, Value: "2000-01-31"})
	// Output:
	// <input id="born" type="date" value="2000-01-31">
}

func ExampleTextarea() {
	show(elements.Textarea{Attrs: elements.Attrs{ID: "msg"}, Rows: 4, Value: "<hi>", Validate: elements.Rule{MaxLen: 500}})
	// Output:
	// <textarea id="msg" rows="4" maxlength="500">&lt;hi&gt;</textarea>
}

func ExampleHidden() {
	show(elements.Hidden{Attrs: elements.Attrs{ID: "rev"}, Value: "42"})
	// Output:
	// <input id="rev" type="hidden" value="42">
}

func ExampleCheckbox() {
	show(elements.Checkbox{Attrs: elements.Attrs{ID: "terms"}, Text: "I accept the terms", Validate: elements.Rule{Required: true}})
	// Output:
	// <label for="terms"><input id="terms" type="checkbox" required>I accept the terms</label>
}

func ExampleRadio() {
	show(elements.Radio{Attrs: elements.Attrs{ID: "size-s"}, Name: "size", Value: "s", Text: "Small"})
	show(elements.Radio{Attrs: elements.Attrs{ID: "size-l"}, Name: "size", Value: "l", Text: "Large", Checked: true})
	// Output:
	// <label for="size-s"><input id="size-s" type="radio" name="size" value="s">Small</label>
	// <label for="size-l"><input id="size-l" type="radio" name="size" value="l" checked>Large</label>
}

func ExampleDropdown() {
	show(elements.Dropdown{Attrs: elements.Attrs{ID: "color"}, Validate: elements.Rule{Required: true}, Options: []elements.Option{
		{Label: "Choose…", Value: ""},
		{Label: "Red", Value: "red", Selected: true},
		{Label: "Green", Value: "green", Disabled: true},
	}})
	// Output:
	// <select id="color" required><option value="">Choose…</option><option value="red" selected>Red</option><option value="green" disabled>Green</option></select>
}

func ExampleLabel() {
	show(elements.Label{For: "name", Text: "Your name"})
	// Output:
	// <label for="name">Your name</label>
}

func ExampleForm() {
	show(elements.Form{Attrs: elements.Attrs{ID: "search"}, Postback: bert.Atom("search"), Source: []string{"q"},
		Body: []templ.Component{elements.Textbox{Attrs: elements.Attrs{ID: "q"}}}})
	// Output:
	// <form id="search"><input id="q" type="text"></form>
}

func ExampleFieldset() {
	show(elements.Fieldset{Legend: "Address", Body: []templ.Component{elements.Textbox{Name: "street"}}})
	// Output:
	// <fieldset><legend>Address</legend><input type="text" name="street"></fieldset>
}

func ExampleList() {
	show(elements.List{Numbered: true, Body: []templ.Component{elements.Li{Text: "first"}, elements.Li{Text: "second"}}})
	// Output:
	// <ol><li>first</li><li>second</li></ol>
}

func ExampleTable() {
	show(elements.Table{Header: []string{"Name", "Qty"}, Rows: []elements.Tr{
		{Cells: []templ.Component{elements.Td{Text: "Apples"}, elements.Td{Text: "3"}}},
		{Cells: []templ.Component{elements.Td{Colspan: 2, Text: "Total: 3"}}},
	}})
	// Output:
	// <table><thead><tr><th scope="col">Name</th><th scope="col">Qty</th></tr></thead><tbody><tr><td>Apples</td><td>3</td></tr><tr><td colspan="2">Total: 3</td></tr></tbody></table>
}

func ExampleImage() {
	show(elements.Image{Src: "/logo.svg", Alt: "Nitro", Width: 120})
	// Output:
	// <img src="/logo.svg" alt="Nitro" width="120">
}

func ExampleLiteral() {
	show(elements.Literal{Text: "<b>escaped</b>"})
	// Raw: only for HTML the program itself wrote or sanitised.
	show(elements.Literal{Text: "<b>trusted</b>", Raw: true})
	// Output:
	// &lt;b&gt;escaped&lt;/b&gt;
	// <b>trusted</b>
}

func ExampleUpload() {
	show(elements.Upload{Attrs: elements.Attrs{ID: "avatar"}, Accept: "image/*"})
	// Output:
	// <span id="avatar"><input id="avatar-file" type="file" accept="image/*" data-progress="avatar-progress"><progress id="avatar-progress" max="100" value="0"></progress><span id="avatar-status" role="status"></span><button id="avatar-start" type="button">Upload</button></span>
}

func ExampleCheckPostback() {
	// What an element seals with its postback...
	msg := elements.WrapPostback(bert.Atom("signup"), map[string]elements.Rule{
		"name": {Required: true, MaxLen: 5},
		"code": {Pattern: "[0-9]{4}", Message: "Four digits."},
	})
	// ...and what the browser sent (a hostile client skipped its checks).
	values := map[string]string{"name": "Bartholomew", "code": "12a4"}
	inner, problems := elements.CheckPostback(msg, func(k string) bert.Term { return bert.BinString(values[k]) })
	fmt.Println(inner)
	ids := make([]string, 0, len(problems))
	for id := range problems {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		fmt.Printf("%s: %s\n", id, problems[id])
	}
	// Output:
	// signup
	// code: Four digits.
	// name: Use at most 5 characters.
}

func ExampleWrapPostback() {
	fmt.Println(elements.WrapPostback(bert.Atom("save"), nil))
	fmt.Println(elements.WrapPostback(bert.Atom("save"), map[string]elements.Rule{"title": {Required: true}}))
	// Output:
	// save
	// {'$nitro_checked',save,[{<<"title">>,text,true,0,0,<<>>,undefined,undefined,<<>>}]}
}
