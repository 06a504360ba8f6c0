// Package elements is NITRO's element catalogue in Go: values that render
// server-side HTML and, rendered in a live page, wire their postbacks.
//
// Every element implements templ's Component (Render(ctx, w) error), so
// elements nest in .templ templates and templ components nest in
// elements (Body []templ.Component).
//
//	page := elements.Form{Postback: bert.Atom("signup"), Source: []string{"name"},
//		Body: []templ.Component{
//			elements.Label{For: "name", Text: "Name"},
//			elements.Textbox{Attrs: elements.Attrs{ID: "name"},
//				Validate: elements.Rule{Required: true, MaxLen: 40}},
//			elements.Button{Text: "Cancel", Postback: bert.Atom("cancel")},
//		}}
//	err := page.Render(cx, w) // cx: the page's *nitro.Context
//
// # Catalogue
//
//	element    HTML                                      postback on
//	Panel      <div>                                     -
//	Span, P    <span>, <p>                               -
//	Heading    <h1>..<h6> by Level                       -
//	Link       <a href>                                  click
//	Button     <button type="button">                    click
//	Textbox    <input type="text">                       change, Enter (optional)
//	Password   <input type="password">                   change, Enter (optional)
//	Email      <input type="email">                      change, Enter (optional)
//	Number     <input type="number">                     change (optional)
//	Date       <input type="date">                       change (optional)
//	Textarea   <textarea>                                change (optional)
//	Hidden     <input type="hidden">                     -
//	Checkbox   <label><input type="checkbox">text        change
//	Radio      <input type="radio"> (in a label w/ text) change
//	Dropdown   <select> of Option                        change
//	Label      <label for>                               -
//	Form       <form>                                    submit, Enter in a field
//	Fieldset   <fieldset><legend>                        -
//	List, Li   <ul> (<ol> when Numbered), <li>           -
//	Table      <table> caption, thead of Header, tbody   -
//	Tr, Td, Th <tr>, <td>, <th> (colspan, rowspan)       Tr: click
//	Image      <img src alt width height>                -
//	Br, Hr     <br>, <hr>                                -
//	Time       <time datetime>, local in the browser     -
//	Literal    text, escaped (Raw: trusted HTML)         -
//	Upload     file input, <progress>, status, start     - (ftp protocol)
//
// # Attributes and escaping
//
// Every element but Literal embeds Attrs: id, class, style, title, and
// data-* and aria-* attributes from maps, rendered in sorted key order so
// that output is deterministic. Every text and attribute value is
// HTML-escaped: & < > " ' become entities, and U+2028 and U+2029 become
// &#x2028; and &#x2029;, so no text can close a tag, open one, or break a
// script the HTML is pasted into. URLs (Link.Href, Form.Action, Image.Src)
// are sanitised as templ sanitises them: javascript: and other schemes
// than http, https, mailto, tel, ftp and ftps become
// about:invalid#TemplFailedSanitizationURL.
//
// The one way to write HTML unescaped is Literal with Raw set. It is for
// HTML your program made or sanitised, never for anything from a user.
//
// # Postbacks
//
// Link, Button, Form, Tr and the inputs take a Postback: a bert.Term, or
// any Go value bert.ToTerm converts (a struct is a record). Rendered with
// a context that carries a *nitro.Context (nitro.FromContext), such as
// the page's Context itself, an element with a Postback and no ID gets
// one (cx.NewID), and wires an actions.Event: when the browser event fires
// (click, change or submit), the client checks the constraints of the
// Source fields and sends the sealed postback with their values; the
// page's Event gets a nitro.Postback, and reads the values with cx.Q.
// Inputs whose postback fires on change (Textbox, Checkbox, Dropdown, ...)
// send their own value too: their id is added to Source (a Radio adds its
// group's Name). Rendered without a nitro.Context (a static page, a
// test), elements render the same HTML and wire nothing.
//
// Enter submits a Form with a Postback from any of its text fields, as a
// submit button would, whatever buttons the form has; a Textbox,
// Password or Email with an Enter postback sends that one instead, as a
// click sends a Button's (the chat's message box). Either is sent once a
// press: not again while the key is held, not for the Enter that ends an
// input method's composition, and never from a Textarea, where Enter is a
// newline. The handlers are wired by the JavaScript the page is sent, as
// every postback is: no handler attributes, so a Content-Security-Policy
// that allows only the page's scripts allows them.
//
// The JavaScript goes to the Context's queue (cx.Wire), which the reply to
// the current message, or a first paint's <script>, carries after the
// HTML.
//
// # Validation
//
// An input's rule is declared once, as its Validate field (a Rule), and
// is checked twice. In the browser: the rule renders as HTML5 constraint
// attributes (required, minlength, maxlength, pattern, min, max, and
// data-msg for its message), which the client's validateSources enforces
// with checkValidity before it sends a postback. On the server: an element
// with a postback seals the rules of its Source fields inside its pickle,
// as {'$nitro_checked', Postback, Rules} (WrapPostback), and
// CheckPostback, which the pages package calls before the page's Event
// sees a postback, checks the values the browser sent against them. A
// client that skips the browser's checks gains nothing: the rules come
// back sealed, and cannot be changed or dropped.
//
// Which rules a postback seals: those of the Source fields rendered
// earlier in the same nitro.Context (each input records its rule there
// when it renders; an input rendered again without a rule forgets it),
// and those declared on the postback element itself, in its Rules map,
// which win; rules of fields that are not sources are not sealed. A Form
// wires its postback after rendering its Body, so the inputs inside it
// count as earlier. For a field rendered after the element, or in another
// Context, declare its rule in Rules.
//
// Email and Number fields always carry their type as a rule: the server
// checks that a value is an email address or a number.
//
// # Concurrency
//
// Elements are values: render one from many goroutines at once freely,
// statically. A nitro.Context is used by one goroutine at a time, and so
// are renders in it. CheckPostback and WrapPostback are safe for
// concurrent use.
//
// # Performance
//
// An element appends its HTML to a pooled buffer shared by its whole tree
// of elements, and writes it to the io.Writer in large pieces (a templ
// component nested inside gets the writer itself). A static render does
// not allocate; in a nitro.Context, the cost is that of sealing and wiring
// the postbacks.
package elements
