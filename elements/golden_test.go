package elements_test

import (
	"testing"

	"github.com/a-h/templ"
	. "github.com/nitrogo/framework/elements"
)

// TestGolden renders every element statically and compares the HTML with
// testdata/NAME.golden (go test -update rewrites them).
func TestGolden(t *testing.T) {
	common := Attrs{ID: "x", Class: "a b", Style: "color: red", Title: "T",
		Data: map[string]string{"zeta": "z", "alpha": "a", "mid": "m"}, Aria: map[string]string{"label": "L", "hidden": "true"}}
	rule := Rule{Required: true, MinLen: 2, MaxLen: 20, Pattern: "[a-z]+", Message: "letters, please"}
	tests := []struct {
		name string
		c    templ.Component
	}{
		{"panel", Panel{Text: "hello", Body: []templ.Component{Span{Text: "inner"}}}},
		{"panel_attrs", Panel{Attrs: common, Text: "attrs"}},
		{"span", Span{Attrs: Attrs{Class: "s"}, Text: "span"}},
		{"p", P{Text: "paragraph"}},
		{"heading_1", Heading{Level: 1, Text: "One"}},
		{"heading_3", Heading{Level: 3, Text: "Three"}},
		{"heading_0", Heading{Text: "zero is h1"}},
		{"heading_9", Heading{Level: 9, Text: "nine is h6"}},
		{"link", Link{Href: "/about?a=1&b=2", Target: "_blank", Rel: "noopener", Text: "About"}},
		{"link_postback", Link{Text: "Go", Postback: "go"}},
		{"link_unsafe", Link{Href: "javascript:alert(1)", Text: "x"}},
		{"button", Button{Attrs: Attrs{ID: "b"}, Text: "Save", Postback: "save"}},
		{"button_disabled", Button{Text: "No", Disabled: true}},
		{"textbox", Textbox{Attrs: Attrs{ID: "name"}, Name: "name", Value: "Ann", Placeholder: "Your name", MaxLength: 30}},
		{"textbox_rule", Textbox{Attrs: Attrs{ID: "name"}, MaxLength: 10, Validate: rule}},
		{"textbox_disabled", Textbox{Disabled: true, ReadOnly: true}},
		{"password", Password{Attrs: Attrs{ID: "pw"}, Name: "pw", Validate: Rule{Required: true, MinLen: 8}}},
		{"email", Email{Attrs: Attrs{ID: "mail"}, Name: "mail", Placeholder: "you@example.com"}},
		{"number", Number{Attrs: Attrs{ID: "n"}, Value: "3", Step: "any", Validate: Rule{Min: f64(0), Max: f64(1.5e6)}}},
		{"date", Date{Attrs: Attrs{ID: "d"}, Value: "2024-02-29", Validate: Rule{Required: true, Min: f64(1), MinLen: 3}}},
		{"textarea", Textarea{Attrs: Attrs{ID: "t"}, Rows: 3, Cols: 40, Value: "\nfirst line kept\n<b>", Validate: Rule{MaxLen: 100, Pattern: "x"}}},
		{"hidden", Hidden{Attrs: Attrs{ID: "h"}, Name: "h", Value: "42"}},
		{"checkbox", Checkbox{Attrs: Attrs{ID: "agree"}, Name: "agree", Value: "yes", Checked: true, Text: "I agree"}},
		{"checkbox_required", Checkbox{Attrs: Attrs{ID: "terms"}, Text: "Terms", Validate: Rule{Required: true, MinLen: 4, Message: "Accept them"}}},
		{"radio", Radio{Attrs: Attrs{ID: "r1"}, Name: "size", Value: "s"}},
		{"radio_label", Radio{Attrs: Attrs{ID: "r2"}, Name: "size", Value: "m", Checked: true, Text: "Medium", Validate: Rule{Required: true}}},
		{"dropdown", Dropdown{Attrs: Attrs{ID: "c"}, Name: "color", Validate: Rule{Required: true}, Options: []Option{
			{Label: "Choose…", Value: ""}, {Label: "Red", Value: "r", Selected: true}, {Label: "Gone", Value: "g", Disabled: true}}}},
		{"label", Label{For: "name", Text: "Name"}},
		{"form", Form{Attrs: Attrs{ID: "f"}, Action: "/submit", Method: "post", Body: []templ.Component{Textbox{Name: "q"}}}},
		{"form_unsafe", Form{Action: "javascript:alert(1)"}},
		{"fieldset", Fieldset{Legend: "Who", Body: []templ.Component{Textbox{Name: "who"}}}},
		{"fieldset_nolegend", Fieldset{}},
		{"list", List{Body: []templ.Component{Li{Text: "one"}, Li{Text: "two"}}}},
		{"list_numbered", List{Numbered: true, Body: []templ.Component{Li{Text: "first"}}}},
		{"li", Li{Attrs: Attrs{Class: "item"}, Text: "item"}},
		{"table", Table{Attrs: Attrs{ID: "tab"}, Caption: "People", Header: []string{"Name", "Age"}, Rows: []Tr{
			{Cells: []templ.Component{Td{Text: "Ann"}, Td{Text: "41"}}},
			{Attrs: Attrs{Class: "odd"}, Cells: []templ.Component{Th{Scope: "row", Text: "Bob"}, Td{Colspan: 1, Text: "—"}}},
		}}},
		{"table_empty", Table{}},
		{"tr", Tr{Cells: []templ.Component{Td{Text: "cell"}}}},
		{"td", Td{Colspan: 2, Rowspan: 3, Text: "span"}},
		{"th", Th{Scope: "col", Colspan: 2, Text: "head"}},
		{"image", Image{Src: "/logo.png", Alt: "Logo", Width: 64, Height: 32}},
		{"image_decorative", Image{Src: "data:image/png;base64,iVBORw0KGgo="}},
		{"image_unsafe", Image{Src: "javascript:alert(1)", Alt: "x"}},
		{"br", Br{}},
		{"hr", Hr{Attrs: Attrs{Class: "rule"}}},
		{"literal", Literal{Text: "a < b & c"}},
		{"literal_raw", Literal{Text: "<em>trusted</em>", Raw: true}},
		{"upload", Upload{Accept: "image/*"}},
		{"upload_autostart", Upload{Attrs: Attrs{ID: "up"}, AutoStart: true}},
		{"upload_text", Upload{Attrs: Attrs{ID: "up"}, StartText: "Send <it>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, tt.name, render(t, tt.c))
		})
	}
}
