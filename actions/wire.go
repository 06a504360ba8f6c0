package actions

import (
	"strings"

	"github.com/nitrogo/framework/nitro"
)

// Wire queues raw JavaScript (NITRO's nitro:wire/1 of a string). Nothing
// is escaped: js is trusted code, and splicing user text into it is the
// caller's to do, through Quote. Wire ends js with a semicolon if it has
// none, so the next action starts a statement of its own.
//
//	Wire(cx, "console.log("+Quote(name)+")")   console.log("...");
func Wire(cx *nitro.Context, js string) {
	if js == "" {
		return
	}
	cx.Wire(js)
	if !strings.HasSuffix(strings.TrimRight(js, " \t\r\n"), ";") {
		cx.Wire(";")
	}
}

// Script is Wire, by the name of NITRO's script accumulator.
func Script(cx *nitro.Context, js string) { Wire(cx, js) }
