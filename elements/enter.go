package elements

import "github.com/nitrogo/framework/actions"

// submitOnEnter wires the Enter key in the text fields of form id to
// submit the form (requestSubmit: the browser checks the form's
// constraints, then the submit event sends the postback, which is what
// a screen reader's user, a password manager and the page's own listeners
// expect of Enter in a form). Browsers submit on Enter by themselves only
// when the form has a submit button or a single text field. A hidden
// submit button would make them, but it is markup that styles, tests and
// assistive technology must all be kept from, and browsers have differed
// over hidden ones; this handler is wired as every postback is, by the
// JavaScript the page is sent, which its Content-Security-Policy allows.
//
// The browser's own submission is prevented, so a press submits once: on
// keydown, which stops the keypress that would submit; and on keypress,
// which comes anyway when a tool types the key as a keydown and a char of
// its own (chromedp.SendKeys).
//
// What Enter leaves alone: a field whose own handler took it (a
// Textbox's Enter postback), a textarea (a newline), a button, checkbox
// or select (their own keys), a field of another form, a key held down
// (repeat: once a press), and an Enter that ends an input method's
// composition (isComposing; Safari's keyCode 229). The fields are those
// HTML lets submit a form implicitly.
func (o *out) submitOnEnter(id string) {
	o.nitro().AppendJS(func(b []byte) []byte {
		b = append(b, "{var x=qi("...)
		b = actions.AppendQuote(b, id)
		return append(b, `);if(x){var k="__nitro_enter";if(x[k]){x.removeEventListener("keydown",x[k]);x.removeEventListener("keypress",x[k]);}`+
			`x[k]=function(event){var f=event.currentTarget,t=event.target,d=event.defaultPrevented;`+
			`if(event.key!=="Enter"||event.isComposing||event.keyCode===229||t.form!==f||`+
			`!/^(text|search|url|tel|email|password|number|date|month|week|time|datetime-local)$/.test(t.type))return;`+
			`event.preventDefault();if(d||event.repeat||event.type!=="keydown")return;`+
			`if(f.requestSubmit)f.requestSubmit();else f.dispatchEvent(new Event("submit",{cancelable:true}));};`+
			`x.addEventListener("keydown",x[k]);x.addEventListener("keypress",x[k]);}}`...)
	})
}
