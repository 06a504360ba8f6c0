package pages

import (
	"github.com/nitrogo/framework/actions"
	"github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/ftp"
)

// rootID is the element that holds a page's body.
const rootID = "nitro-root"

// livePage is a Page as its socket serves it: each (re)connect renders
// Main afresh into #nitro-root, which wires its postbacks and replaces
// whatever the browser held (so a reconnect duplicates nothing), and
// postbacks are checked against the validation rules their elements
// sealed before the page sees them.
type livePage struct {
	app  *App
	page Page
}

// AcceptUploads lets a page take uploads only if it says so: a page with
// an upload element implements ftp.Gate. Any other page's socket
// refuses them, so a visitor cannot store files through a page that never
// offered to take them.
func (l livePage) AcceptUploads(cx *nitro.Context) bool {
	g, ok := l.page.(ftp.Gate)
	return ok && g.AcceptUploads(cx)
}

var _ ftp.Gate = livePage{}

func (l livePage) Event(cx *nitro.Context, ev any) {
	switch e := ev.(type) {
	case nitro.Init:
		body, url, redirect := renderMain(cx, l.page)
		if redirect {
			if err := actions.Redirect(cx, url); err != nil {
				cx.Logger().Error("pages: Main redirects to an unsafe URL", "url", url, "err", err)
			}
			return
		}
		if err := actions.Update(cx, rootID, root(body)); err != nil {
			cx.Logger().Error("pages: rendering Main failed", "err", err)
			return
		}
		l.page.Event(cx, ev)
	case nitro.Postback:
		inner, problems := elements.CheckPostback(e.Msg, cx.Q)
		if len(problems) > 0 {
			reportProblems(cx, problems)
			return
		}
		e.Msg = inner
		l.page.Event(cx, e)
	default:
		l.page.Event(cx, ev)
	}
}

// reportProblems marks the fields that failed the server's check, with the
// reason, as the browser's own validation would have; the mark goes when
// the user edits the field. A problem without a field (rules that could
// not be read) is only logged.
func reportProblems(cx *nitro.Context, problems map[string]string) {
	for _, id := range sortedKeys(problems) {
		if id == "" {
			cx.Logger().Warn("pages: postback refused", "problem", problems[id])
			continue
		}
		actions.Wire(cx, "{var x=qi("+actions.Quote(id)+");if(x){x.classList.add(\"nitro-invalid\");"+
			"if(x.setCustomValidity){x.setCustomValidity("+actions.Quote(problems[id])+");x.reportValidity();"+
			"x.addEventListener(\"input\",function(){x.setCustomValidity(\"\");x.classList.remove(\"nitro-invalid\");},{once:true});}}}")
	}
}
