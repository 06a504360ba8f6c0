package actions_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"regexp"

	"github.com/a-h/templ"
	"github.com/nitrogo/framework/actions"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/keys"
)

// exampleContext returns the Context of a page, as its Event gets it.
// (This one is made outside a connection, so the examples can show what
// the actions queue: cx.TakeJS.)
func exampleContext() *nitro.Context {
	ks, err := keys.Parse("1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8") // an example: use your own
	if err != nil {
		log.Fatal(err)
	}
	ring, err := nitro.NewKeyRing(ks...)
	if err != nil {
		log.Fatal(err)
	}
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		log.Fatal(err)
	}
	return srv.NewContext(httptest.NewRequest("GET", "/chat", nil), "a session id", "/chat", nil)
}

// show prints the JavaScript queued on cx, its pickles (which are random)
// shown as PICKLE.
func show(cx *nitro.Context) {
	fmt.Println(regexp.MustCompile(`bin\("[A-Za-z0-9_-]{40,}"\)`).ReplaceAllString(string(cx.TakeJS()), `bin("PICKLE")`))
}

// message renders a chat message; templ escapes its text.
func message(text string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, "<p>"+templ.EscapeString(text)+"</p>")
		return err
	})
}

func ExampleQuote() {
	fmt.Println(actions.Quote(`He said "hi" </script>`))
	fmt.Println(actions.Quote("`${document.cookie}`"))
	fmt.Println("alert(" + actions.Quote("it's\nfine") + ");")
	// Output:
	// "He said \"hi\" \u003c/script\u003e"
	// "\u0060${document.cookie}\u0060"
	// alert("it\u0027s\nfine");
}

func ExampleAppendQuote() {
	js := []byte("var name=")
	js = actions.AppendQuote(js, "Zoë & Émile")
	fmt.Println(string(js))
	// Output: var name="Zoë \u0026 Émile"
}

func ExampleUpdate() {
	cx := exampleContext()
	err := actions.Update(cx, "status", templ.Raw(`<span id="status">Online</span>`))
	fmt.Println(err)
	show(cx)
	// Output:
	// <nil>
	// {var x=qi("status");if(x){x.outerHTML="\u003cspan id=\"status\"\u003eOnline\u003c/span\u003e";}}
}

// A component that wires postbacks while it renders, as elements do: the
// wiring follows the change, so it finds the new button.
func ExampleUpdate_postback() {
	cx := exampleContext()
	panel := templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		cx, _ := nitro.FromContext(ctx)
		actions.Event{Target: "ok", Postback: bert.Atom("ok")}.Wire(cx)
		_, err := io.WriteString(w, `<div id="panel"><button id="ok">OK</button></div>`)
		return err
	})
	if err := actions.Update(cx, "panel", panel); err != nil {
		log.Fatal(err)
	}
	show(cx)
	// Output:
	// {var x=qi("panel");if(x){x.outerHTML="\u003cdiv id=\"panel\"\u003e\u003cbutton id=\"ok\"\u003eOK\u003c/button\u003e\u003c/div\u003e";}}{var x=qi("ok");if(x){var k="__nitro_click";if(x[k])x.removeEventListener("click",x[k]);x[k]=function(event){event.preventDefault();if(validateSources([],"ok")){ws.send(enc(tuple(atom('pickle'),bin("ok"),bin("PICKLE"),[tuple(tuple(bin("ok"),bin('detail')),[])])));}};x.addEventListener("click",x[k]);}}
}

func ExampleUpdateText() {
	cx := exampleContext()
	actions.UpdateText(cx, "who", `<b>Eve</b>`) // shown as typed, not bold
	show(cx)
	// Output: {var x=qi("who");if(x){x.textContent="\u003cb\u003eEve\u003c/b\u003e";}}
}

func ExampleInsertTop() {
	cx := exampleContext()
	if err := actions.InsertTop(cx, "history", message("first!")); err != nil {
		log.Fatal(err)
	}
	show(cx)
	// Output: {var x=qi("history");if(x){x.insertAdjacentHTML("afterbegin","\u003cp\u003efirst!\u003c/p\u003e");}}
}

func ExampleInsertBottom() {
	cx := exampleContext()
	if err := actions.InsertBottom(cx, "history", message("<3 you")); err != nil {
		log.Fatal(err)
	}
	show(cx)
	// Output: {var x=qi("history");if(x){x.insertAdjacentHTML("beforeend","\u003cp\u003e\u0026lt;3 you\u003c/p\u003e");}}
}

// Rows inserted into a table go into its <tbody>.
func ExampleInsertBottom_rows() {
	cx := exampleContext()
	if err := actions.InsertBottom(cx, "people", templ.Raw(`<tr><td>Ada</td></tr>`)); err != nil {
		log.Fatal(err)
	}
	show(cx)
	// Output: {var x=qi("people");if(x){if(x.tBodies&&x.tBodies.length)x=x.tBodies[x.tBodies.length-1];x.insertAdjacentHTML("beforeend","\u003ctr\u003e\u003ctd\u003eAda\u003c/td\u003e\u003c/tr\u003e");}}
}

func ExampleInsertBefore() {
	cx := exampleContext()
	if err := actions.InsertBefore(cx, "item-2", templ.Raw(`<li id="item-1">one</li>`)); err != nil {
		log.Fatal(err)
	}
	show(cx)
	// Output: {var x=qi("item-2");if(x){x.insertAdjacentHTML("beforebegin","\u003cli id=\"item-1\"\u003eone\u003c/li\u003e");}}
}

func ExampleInsertAfter() {
	cx := exampleContext()
	if err := actions.InsertAfter(cx, "item-1", templ.Raw(`<li id="item-2">two</li>`)); err != nil {
		log.Fatal(err)
	}
	show(cx)
	// Output: {var x=qi("item-1");if(x){x.insertAdjacentHTML("afterend","\u003cli id=\"item-2\"\u003etwo\u003c/li\u003e");}}
}

func ExampleClear() {
	cx := exampleContext()
	actions.Clear(cx, "history")
	show(cx)
	// Output: {var x=qi("history");if(x){x.textContent="";}}
}

func ExampleRemove() {
	cx := exampleContext()
	actions.Remove(cx, "item-1")
	show(cx)
	// Output: {var x=qi("item-1");if(x){x.remove();}}
}

func ExampleRedirect() {
	cx := exampleContext()
	fmt.Println(actions.Redirect(cx, "/login?next=/chat"))
	fmt.Println(actions.Redirect(cx, "javascript:alert(document.cookie)"))
	show(cx)
	// Output:
	// <nil>
	// actions: redirect to a URL that is not relative, http or https
	// (window.nitroSession||{then:function(f){f()}}).then(function(){window.location.assign("/login?next=/chat")});
}

func ExampleAlert() {
	cx := exampleContext()
	actions.Alert(cx, `Saved "notes.txt"`)
	show(cx)
	// Output: alert("Saved \"notes.txt\"");
}

// Confirm's postback reaches the page's Event as a nitro.Postback with
// Trigger "confirm" when the user says yes.
func ExampleConfirm() {
	cx := exampleContext()
	actions.Confirm(cx, "Delete the room?", bert.Tuple(bert.Atom("delete"), bert.BinString("lobby")))
	show(cx)
	// Output: if(confirm("Delete the room?")){ws.send(enc(tuple(atom('pickle'),bin("confirm"),bin("PICKLE"),[tuple(tuple(bin("confirm"),bin('detail')),[])])));}
}

func ExampleFocus() {
	cx := exampleContext()
	actions.Focus(cx, "message")
	show(cx)
	// Output: {var x=qi("message");if(x){x.focus();}}
}

func ExampleFocusSelect() {
	cx := exampleContext()
	actions.FocusSelect(cx, "name")
	show(cx)
	// Output: {var x=qi("name");if(x){x.focus();if(x.select)x.select();}}
}

func ExampleShow() {
	cx := exampleContext()
	actions.Show(cx, "spinner")
	show(cx)
	// Output: {var x=qi("spinner");if(x){x.hidden=false;x.style.display="";}}
}

func ExampleHide() {
	cx := exampleContext()
	actions.Hide(cx, "spinner")
	show(cx)
	// Output: {var x=qi("spinner");if(x){x.style.display="none";}}
}

func ExampleDisplay() {
	cx := exampleContext()
	actions.Display(cx, "toolbar", "flex")
	show(cx)
	// Output: {var x=qi("toolbar");if(x){x.style.display="flex";}}
}

func ExampleSetAttr() {
	cx := exampleContext()
	fmt.Println(actions.SetAttr(cx, "send", "disabled", ""))
	fmt.Println(actions.SetAttr(cx, "send", "onclick", "steal()"))
	show(cx)
	// Output:
	// <nil>
	// actions: SetAttr of an event handler attribute
	// {var x=qi("send");if(x){x.setAttribute("disabled","");}}
}

func ExampleRemoveAttr() {
	cx := exampleContext()
	actions.RemoveAttr(cx, "send", "disabled")
	show(cx)
	// Output: {var x=qi("send");if(x){x.removeAttribute("disabled");}}
}

func ExampleStyle() {
	cx := exampleContext()
	actions.Style(cx, "banner", "color:white;background:navy")
	show(cx)
	// Output: {var x=qi("banner");if(x){x.style.cssText="color:white;background:navy";}}
}

func ExampleSetStyle() {
	cx := exampleContext()
	actions.SetStyle(cx, "bar", "width", "40%")
	actions.SetStyle(cx, "bar", "backgroundColor", "green")
	show(cx)
	// Output: {var x=qi("bar");if(x){x.style.setProperty("width","40%");}}{var x=qi("bar");if(x){x.style.setProperty("background-color","green");}}
}

func ExampleAddClass() {
	cx := exampleContext()
	actions.AddClass(cx, "tab-2", "active selected")
	show(cx)
	// Output: {var x=qi("tab-2");if(x){x.classList.add("active","selected");}}
}

func ExampleRemoveClass() {
	cx := exampleContext()
	actions.RemoveClass(cx, "tab-1", "active")
	show(cx)
	// Output: {var x=qi("tab-1");if(x){x.classList.remove("active");}}
}

func ExampleSetProp() {
	cx := exampleContext()
	actions.SetProp(cx, actions.ID("message"), "value", "")
	actions.SetProp(cx, actions.All("#settings input"), "disabled", true)
	show(cx)
	// Output: {var x=qi("message");if(x){x["value"]="";}}Array.prototype.forEach.call(qa("#settings input"),function(x){x["disabled"]=true;});
}

func ExampleCall() {
	cx := exampleContext()
	actions.Call(cx, actions.ID("email"), "setCustomValidity", "That address is taken")
	actions.Call(cx, actions.Sel("#history p:last-child"), "scrollIntoView", map[string]string{"behavior": "smooth"})
	show(cx)
	// Output: {var x=qi("email");if(x){x["setCustomValidity"]("That address is taken");}}{var x=qs("#history p:last-child");if(x){x["scrollIntoView"]({"behavior":"smooth"});}}
}

func ExampleID() {
	cx := exampleContext()
	actions.Call(cx, actions.ID("dialog"), "showModal")
	show(cx)
	// Output: {var x=qi("dialog");if(x){x["showModal"]();}}
}

func ExampleSel() {
	cx := exampleContext()
	actions.Call(cx, actions.Sel("form.login"), "reset")
	show(cx)
	// Output: {var x=qs("form.login");if(x){x["reset"]();}}
}

func ExampleAll() {
	cx := exampleContext()
	actions.Call(cx, actions.All(".unread"), "classList.remove", "unread")
	show(cx)
	// Output: Array.prototype.forEach.call(qa(".unread"),function(x){x["classList"]["remove"]("unread");});
}

func ExampleWire() {
	cx := exampleContext()
	name := `Bob "the builder"`
	actions.Wire(cx, "console.log("+actions.Quote(name)+")")
	show(cx)
	// Output: console.log("Bob \"the builder\"");
}

func ExampleScript() {
	cx := exampleContext()
	actions.Script(cx, "window.scrollTo(0,0);")
	show(cx)
	// Output: window.scrollTo(0,0);
}

// The chat's send button: a click sends the message field's value with
// the postback, which the page reads with cx.QText("message").
func ExampleEvent_Wire() {
	cx := exampleContext()
	actions.Event{Target: "send", Postback: bert.Atom("chat"), Source: []string{"message"}}.Wire(cx)
	show(cx)
	// Output: {var x=qi("send");if(x){var k="__nitro_click";if(x[k])x.removeEventListener("click",x[k]);x[k]=function(event){event.preventDefault();if(validateSources(["message"],"send")){ws.send(enc(tuple(atom('pickle'),bin("send"),bin("PICKLE"),[tuple(tuple(bin("send"),bin('detail')),[]),tuple(atom("message"),querySource("message"))])));}};x.addEventListener("click",x[k]);}}
}

// Validation is a JavaScript expression: here the postback is sent only
// for the Enter key.
func ExampleEvent_Wire_validation() {
	cx := exampleContext()
	actions.Event{Target: "message", Type: "keyup", Postback: bert.Atom("chat"), Source: []string{"message"},
		Validation: `event.key==="Enter"`}.Wire(cx)
	show(cx)
	// Output: {var x=qi("message");if(x){var k="__nitro_keyup";if(x[k])x.removeEventListener("keyup",x[k]);x[k]=function(event){if(validateSources(["message"],"message")&&(event.key==="Enter")){ws.send(enc(tuple(atom('pickle'),bin("message"),bin("PICKLE"),[tuple(tuple(bin("message"),bin('detail')),[]),tuple(atom("message"),querySource("message"))])));}};x.addEventListener("keyup",x[k]);}}
}
